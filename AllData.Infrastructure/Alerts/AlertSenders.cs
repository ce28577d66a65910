using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AllData.Domain.Alerts;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace AllData.Infrastructure.Alerts;

/// <summary>What a channel answered to one send.</summary>
public sealed record AlertSendResult(bool Succeeded, int? StatusCode, string? Error, TimeSpan Latency);

/// <summary>Everything a sender needs for one message: the channel, its decrypted secrets, the message and its rendering.</summary>
internal sealed record AlertSendRequest(AlertChannel Channel, AlertChannelSecrets Secrets, AlertMessage Message, RenderedAlert Rendered);

internal interface IAlertSender
{
    AlertChannelKind Kind { get; }

    Task<AlertSendResult> SendAsync(AlertSendRequest request, CancellationToken ct);
}

/// <summary>The robots and webhooks: one JSON POST each, judged by the HTTP status and, for the robots, the error code in the body.</summary>
internal abstract class HttpAlertSender(IHttpClientFactory http, TimeProvider clock) : IAlertSender
{
    public const string ClientName = "alerts";

    public abstract AlertChannelKind Kind { get; }

    protected TimeProvider Clock => clock;

    public async Task<AlertSendResult> SendAsync(AlertSendRequest request, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        try
        {
            using var message = Build(request);
            using var client = http.CreateClient(ClientName);
            using var response = await client.SendAsync(message, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var latency = clock.GetElapsedTime(started);
            if (!response.IsSuccessStatusCode)
            {
                return new AlertSendResult(false, (int)response.StatusCode, $"HTTP {(int)response.StatusCode}: {Trim(body)}", latency);
            }

            var error = BodyError(body);
            return new AlertSendResult(error is null, (int)response.StatusCode, error, latency);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new AlertSendResult(false, null, e.Message, clock.GetElapsedTime(started));
        }
    }

    protected abstract HttpRequestMessage Build(AlertSendRequest request);

    /// <summary>The error a 200 answer may still carry (DingTalk's errcode, Feishu's code); null when it is a success.</summary>
    protected virtual string? BodyError(string body) => null;

    protected static HttpRequestMessage Post(string url, object payload) =>
        new(HttpMethod.Post, url) { Content = JsonContent.Create(payload) };

    protected static string? CodeError(string body, string codeProperty, string messageProperty)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty(codeProperty, out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt64() != 0)
            {
                var msg = doc.RootElement.TryGetProperty(messageProperty, out var m) ? m.ToString() : string.Empty;
                return $"{codeProperty} {code.GetInt64()}: {msg}";
            }

            return null;
        }
        catch (JsonException)
        {
            return $"Unexpected answer: {Trim(body)}";
        }
    }

    private static string Trim(string body) => body.Length <= 300 ? body : body[..300];
}

/// <summary>
/// Generic webhook: a JSON document of the message; with a secret, <c>X-AllData-Signature: sha256=&lt;hex&gt;</c> is the
/// HMAC-SHA256 of "<c>{X-AllData-Timestamp}.{body}</c>" keyed with the secret.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory http, TimeProvider clock) : HttpAlertSender(http, clock)
{
    public const string SignatureHeader = "X-AllData-Signature";
    public const string TimestampHeader = "X-AllData-Timestamp";
    public const string MessageIdHeader = "X-AllData-Message-Id";

    public override AlertChannelKind Kind => AlertChannelKind.Webhook;

    protected override HttpRequestMessage Build(AlertSendRequest request)
    {
        var m = request.Message;
        var payload = new
        {
            id = m.Id,
            state = m.IsDigest ? "digest" : m.Kind.ToString().ToLowerInvariant(),
            digest = m.IsDigest,
            title = request.Rendered.Title,
            text = request.Rendered.Body,
            at = m.At,
            alerts = m.Items.Select(i => new
            {
                rule = i.RuleName,
                state = i.Kind.ToString().ToLowerInvariant(),
                subject = i.SubjectName,
                reason = i.Reason,
                at = i.At,
                link = i.Link,
                acknowledgeLink = i.AckLink,
            }),
        };
        var body = JsonSerializer.Serialize(payload);
        var message = new HttpRequestMessage(HttpMethod.Post, request.Secrets.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        var timestamp = Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        message.Headers.Add(TimestampHeader, timestamp);
        message.Headers.Add(MessageIdHeader, m.Id.ToString());
        if (request.Secrets.SigningSecret is { } secret)
        {
            message.Headers.Add(SignatureHeader, "sha256=" + Sign(secret, timestamp, body));
        }

        return message;
    }

    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}

/// <summary>
/// DingTalk custom robot: markdown message; when signed, <c>timestamp</c> (ms) and <c>sign</c> =
/// urlencode(base64(HMAC-SHA256(key: secret, data: timestamp + "\n" + secret))) are added to the URL.
/// </summary>
internal sealed class DingTalkSender(IHttpClientFactory http, TimeProvider clock) : HttpAlertSender(http, clock)
{
    public override AlertChannelKind Kind => AlertChannelKind.DingTalk;

    protected override HttpRequestMessage Build(AlertSendRequest request)
    {
        var url = request.Secrets.Url!;
        if (request.Secrets.SigningSecret is { } secret)
        {
            var timestamp = Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={timestamp}&sign={Uri.EscapeDataString(Sign(secret, timestamp))}";
        }

        return Post(url, new
        {
            msgtype = "markdown",
            markdown = new { title = request.Rendered.Title, text = $"### {request.Rendered.Title}\n\n{request.Rendered.Body}" },
        });
    }

    protected override string? BodyError(string body) => CodeError(body, "errcode", "errmsg");

    public static string Sign(string secret, string timestamp) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));
}

/// <summary>WeCom (WeChat Work) group robot: markdown message to the robot's URL (its key is in the URL).</summary>
internal sealed class WeComSender(IHttpClientFactory http, TimeProvider clock) : HttpAlertSender(http, clock)
{
    public override AlertChannelKind Kind => AlertChannelKind.WeCom;

    protected override HttpRequestMessage Build(AlertSendRequest request) =>
        Post(request.Secrets.Url!, new { msgtype = "markdown", markdown = new { content = $"**{request.Rendered.Title}**\n{request.Rendered.Body}" } });

    protected override string? BodyError(string body) => CodeError(body, "errcode", "errmsg");
}

/// <summary>
/// Feishu/Lark custom bot: text message; when signed, the body carries <c>timestamp</c> (seconds) and
/// <c>sign</c> = base64(HMAC-SHA256(key: timestamp + "\n" + secret, data: empty)).
/// </summary>
internal sealed class FeishuSender(IHttpClientFactory http, TimeProvider clock) : HttpAlertSender(http, clock)
{
    public override AlertChannelKind Kind => AlertChannelKind.Feishu;

    protected override HttpRequestMessage Build(AlertSendRequest request)
    {
        var content = new { text = $"{request.Rendered.Title}\n{request.Rendered.Body}" };
        if (request.Secrets.SigningSecret is { } secret)
        {
            var timestamp = Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            return Post(request.Secrets.Url!, new { timestamp, sign = Sign(secret, timestamp), msg_type = "text", content });
        }

        return Post(request.Secrets.Url!, new { msg_type = "text", content });
    }

    protected override string? BodyError(string body) => CodeError(body, "code", "msg");

    public static string Sign(string secret, string timestamp) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\n{secret}"), Array.Empty<byte>()));
}

/// <summary>Slack incoming webhook: <c>{"text": …}</c> in Slack's mrkdwn; Slack answers "ok".</summary>
internal sealed class SlackSender(IHttpClientFactory http, TimeProvider clock) : HttpAlertSender(http, clock)
{
    public override AlertChannelKind Kind => AlertChannelKind.Slack;

    protected override HttpRequestMessage Build(AlertSendRequest request) =>
        Post(request.Secrets.Url!, new { text = $"*{request.Rendered.Title}*\n{request.Rendered.Body}" });
}

/// <summary>E-mail through SMTP with MailKit: STARTTLS or TLS on connect as the channel says, login when a user is set.</summary>
internal sealed class EmailSender(TimeProvider clock) : IAlertSender
{
    public AlertChannelKind Kind => AlertChannelKind.Email;

    public async Task<AlertSendResult> SendAsync(AlertSendRequest request, CancellationToken ct)
    {
        var settings = request.Channel.Settings;
        var started = clock.GetTimestamp();
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From!));
        foreach (var to in settings.Recipients)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = request.Rendered.Title;
        message.MessageId = $"{request.Message.Id}@alldata";
        message.Body = new TextPart("plain") { Text = request.Rendered.Body };
        using var smtp = new SmtpClient { Timeout = 15_000 };
        try
        {
            var security = settings.SmtpSecurity switch
            {
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                SmtpSecurity.None => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTlsWhenAvailable,
            };
            await smtp.ConnectAsync(settings.SmtpHost ?? string.Empty, settings.SmtpPort ?? 587, security, ct);
            if (!string.IsNullOrEmpty(settings.SmtpUser))
            {
                await smtp.AuthenticateAsync(settings.SmtpUser, request.Secrets.Password ?? string.Empty, ct);
            }

            await smtp.SendAsync(message, ct);
            await smtp.DisconnectAsync(true, ct);
            return new AlertSendResult(true, 250, null, clock.GetElapsedTime(started));
        }
        catch (SmtpCommandException e)
        {
            return new AlertSendResult(false, (int)e.StatusCode, e.Message, clock.GetElapsedTime(started));
        }
        catch (Exception e) when (e is SmtpProtocolException or AuthenticationException or IOException
                                      or System.Net.Sockets.SocketException or SslHandshakeException or TimeoutException)
        {
            return new AlertSendResult(false, null, e.Message, clock.GetElapsedTime(started));
        }
    }
}

internal sealed class AlertSenders(IEnumerable<IAlertSender> senders)
{
    private readonly Dictionary<AlertChannelKind, IAlertSender> _byKind = senders.ToDictionary(s => s.Kind);

    public Task<AlertSendResult> SendAsync(AlertSendRequest request, CancellationToken ct) => _byKind[request.Channel.Kind].SendAsync(request, ct);
}

