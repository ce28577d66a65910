using System.Text.Json;
using AllData.Domain.Common;

namespace AllData.Domain.Alerts;

public enum AlertChannelKind
{
    Email,
    Webhook,
    DingTalk,
    WeCom,
    Feishu,
    Slack,
}

public enum SmtpSecurity
{
    /// <summary>Upgrade with STARTTLS when the server offers it (port 587).</summary>
    StartTlsWhenAvailable,

    /// <summary>STARTTLS required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS: only for a relay on a trusted network.</summary>
    None,
}

/// <summary>A channel's settings that may be shown back; secrets live apart, encrypted (<see cref="AlertChannelSecrets"/>).</summary>
public sealed record AlertChannelSettings
{
    public string? SmtpHost { get; init; }

    public int? SmtpPort { get; init; }

    public SmtpSecurity SmtpSecurity { get; init; }

    public string? SmtpUser { get; init; }

    public string? From { get; init; }

    /// <summary>Recipients, comma or semicolon separated.</summary>
    public string? To { get; init; }

    /// <summary>At most this many messages a minute; over it, the rest is folded into one digest.</summary>
    public int? MaxPerMinute { get; init; }

    /// <summary>Custom title template; null uses the default of the workspace's language.</summary>
    public string? TitleTemplate { get; init; }

    /// <summary>Custom body template; null uses the default of the workspace's language.</summary>
    public string? BodyTemplate { get; init; }

    public IReadOnlyList<string> Recipients =>
        (To ?? string.Empty).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static int DefaultMaxPerMinute(AlertChannelKind kind) => kind switch
    {
        AlertChannelKind.DingTalk => 20,
        AlertChannelKind.WeCom => 20,
        AlertChannelKind.Feishu => 100,
        AlertChannelKind.Slack => 60,
        AlertChannelKind.Email => 30,
        _ => 60,
    };

    public AlertChannelSettings Validate(AlertChannelKind kind)
    {
        if (MaxPerMinute is { } max && (max < 1 || max > 1000))
        {
            throw new DomainException("Messages per minute is between 1 and 1000.");
        }

        if (TitleTemplate is { Length: > 500 } || BodyTemplate is { Length: > 4000 })
        {
            throw new DomainException("A title template has at most 500 characters, a body template at most 4000.");
        }

        if (kind != AlertChannelKind.Email)
        {
            return this with { SmtpHost = null, SmtpPort = null, SmtpUser = null, From = null, To = null };
        }

        if (string.IsNullOrWhiteSpace(SmtpHost))
        {
            throw new DomainException("Give the SMTP server's host name.");
        }

        if (SmtpPort is not { } port || port < 1 || port > 65535)
        {
            throw new DomainException("Give the SMTP port (1-65535; usually 587, or 465 for TLS on connect).");
        }

        if (!Enum.IsDefined(SmtpSecurity))
        {
            throw new DomainException("Choose how the SMTP connection is secured.");
        }

        if (!IsAddress(From))
        {
            throw new DomainException("Give the sender address (name@example.com).");
        }

        var to = Recipients;
        if (to.Count == 0)
        {
            throw new DomainException("Give at least one recipient.");
        }

        if (to.FirstOrDefault(a => !IsAddress(a)) is { } bad)
        {
            throw new DomainException($"'{bad}' is not an e-mail address.");
        }

        return this with { SmtpHost = SmtpHost.Trim(), From = From!.Trim(), To = string.Join(", ", to) };
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    public static AlertChannelSettings FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new AlertChannelSettings() : JsonSerializer.Deserialize<AlertChannelSettings>(json) ?? new AlertChannelSettings();

    private static bool IsAddress(string? text) =>
        text is { Length: > 2 and <= 320 } t && t.Trim() is var s && s.IndexOf('@', StringComparison.Ordinal) is > 0 and var at
        && at < s.Length - 1 && !s.Contains(' ', StringComparison.Ordinal);
}

/// <summary>
/// A channel's secrets, kept encrypted and never shown back: the robot's or webhook's URL (it carries the access token),
/// the signing secret (DingTalk, Feishu, the webhook's HMAC key), the SMTP password.
/// </summary>
public sealed record AlertChannelSecrets(string? Url, string? SigningSecret, string? Password)
{
    public AlertChannelSecrets Validate(AlertChannelKind kind)
    {
        if (kind == AlertChannelKind.Email)
        {
            return new AlertChannelSecrets(null, null, string.IsNullOrEmpty(Password) ? null : Password);
        }

        if (!Uri.TryCreate(Url?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new DomainException("Give the webhook URL (http or https).");
        }

        if (SigningSecret is { Length: > 500 })
        {
            throw new DomainException("A signing secret has at most 500 characters.");
        }

        var signing = string.IsNullOrWhiteSpace(SigningSecret) ? null : SigningSecret.Trim();
        if (kind is AlertChannelKind.WeCom or AlertChannelKind.Slack)
        {
            signing = null;
        }

        return new AlertChannelSecrets(uri.ToString(), signing, null);
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    public static AlertChannelSecrets FromJson(string json) => JsonSerializer.Deserialize<AlertChannelSecrets>(json) ?? new(null, null, null);

    /// <summary>What may be shown of the URL: scheme and host, never the path or query that hold the token.</summary>
    public static string? Display(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : null;
}

/// <summary>Where notifications go. The secrets are stored encrypted by the infrastructure (<see cref="ProtectedSecrets"/>).</summary>
public sealed class AlertChannel : IWorkspaceOwned
{
    public const int MaxNameLength = 100;

    private AlertChannel()
    {
        Name = SettingsJson = ProtectedSecrets = UpdatedBy = string.Empty;
    }

    public AlertChannel(Guid workspaceId, string name, AlertChannelKind kind, AlertChannelSettings settings, string protectedSecrets,
        string? urlHint, string by, DateTimeOffset at)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new DomainException($"'{kind}' is not a channel kind.");
        }

        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        Kind = kind;
        CreatedAt = at;
        Name = SettingsJson = ProtectedSecrets = UpdatedBy = string.Empty;
        Change(name, settings, protectedSecrets, urlHint, by, at);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    public AlertChannelKind Kind { get; private set; }

    public string SettingsJson { get; private set; }

    public AlertChannelSettings Settings => AlertChannelSettings.FromJson(SettingsJson);

    /// <summary>The encrypted <see cref="AlertChannelSecrets"/> (ASP.NET Data Protection).</summary>
    public string ProtectedSecrets { get; private set; }

    /// <summary>Scheme and host of the URL, to recognise the channel by; never the token.</summary>
    public string? UrlHint { get; private set; }

    public int MaxPerMinute => Settings.MaxPerMinute ?? AlertChannelSettings.DefaultMaxPerMinute(Kind);

    public DateTimeOffset CreatedAt { get; private set; }

    public string UpdatedBy { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <param name="protectedSecrets">The encrypted secrets; the caller keeps the stored ones when the user left them empty.</param>
    public void Change(string name, AlertChannelSettings settings, string protectedSecrets, string? urlHint, string by, DateTimeOffset at)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new DomainException("A channel needs a name.");
        }

        if (trimmed.Length > MaxNameLength)
        {
            throw new DomainException($"A channel name has at most {MaxNameLength} characters.");
        }

        Name = trimmed;
        SettingsJson = settings.Validate(Kind).ToJson();
        ProtectedSecrets = protectedSecrets;
        UrlHint = urlHint;
        UpdatedBy = by.Length <= 200 ? by : by[..200];
        UpdatedAt = at;
    }
}

/// <summary>A workspace's alert settings: the language messages are written in.</summary>
public sealed class AlertWorkspaceSettings : IWorkspaceOwned
{
    public static readonly IReadOnlyList<string> Languages = ["en", "zh-CN"];

    private AlertWorkspaceSettings()
    {
        Language = "en";
    }

    public AlertWorkspaceSettings(Guid workspaceId, string language)
    {
        WorkspaceId = workspaceId;
        Language = "en";
        SetLanguage(language);
    }

    public Guid WorkspaceId { get; private set; }

    public string Language { get; private set; }

    public void SetLanguage(string language) =>
        Language = Languages.Contains(language) ? language : throw new DomainException("Messages are written in English (en) or Simplified Chinese (zh-CN).");
}
