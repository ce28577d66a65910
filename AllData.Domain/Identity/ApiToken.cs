using AllData.Domain.Common;

namespace AllData.Domain.Identity;

/// <summary>What an API token may do. Each scope allows at most one workspace role; a token never exceeds its user's role.</summary>
[Flags]
public enum ApiScopes
{
    None = 0,

    /// <summary>Reads (Viewer).</summary>
    Read = 1,

    /// <summary>Starts and stops runs, takes savepoints (Operator).</summary>
    Run = 2,

    /// <summary>Edits and publishes jobs (Developer).</summary>
    Write = 4,

    /// <summary>Workspace administration (Admin).</summary>
    Admin = 8,
}

public static class ApiScopeRules
{
    public static readonly ApiScopes[] All = [ApiScopes.Read, ApiScopes.Run, ApiScopes.Write, ApiScopes.Admin];

    /// <summary>The highest role a single scope allows.</summary>
    public static WorkspaceRole RoleOf(ApiScopes scope) => scope switch
    {
        ApiScopes.Read => WorkspaceRole.Viewer,
        ApiScopes.Run => WorkspaceRole.Operator,
        ApiScopes.Write => WorkspaceRole.Developer,
        ApiScopes.Admin => WorkspaceRole.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "One scope at a time."),
    };

    /// <summary>The highest role any of <paramref name="scopes"/> allows; null for none.</summary>
    public static WorkspaceRole? CapOf(ApiScopes scopes)
    {
        var roles = Split(scopes).Select(RoleOf).ToList();
        return roles.Count == 0 ? null : roles.Max();
    }

    public static IEnumerable<ApiScopes> Split(ApiScopes scopes) => All.Where(s => scopes.HasFlag(s));
}

/// <summary>
/// A personal API token of one user for one workspace (CI/CD, scripts). Only the SHA-256 hash of the secret is kept; it
/// expires, can be revoked, and records when and from where it was last used.
/// </summary>
public sealed class ApiToken
{
    public const int MaxNameLength = 100;
    public const int HashLength = 64;
    public const int PrefixLength = 12;
    public const int MaxAddressLength = 64;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    private ApiToken()
    {
        UserId = string.Empty;
        Name = string.Empty;
        TokenHash = string.Empty;
        Prefix = string.Empty;
    }

    public ApiToken(string userId, Guid workspaceId, string name, ApiScopes scopes, WorkspaceRole userRole, string tokenHash, string prefix,
        DateTimeOffset expiresAt, DateTimeOffset createdAt)
    {
        name = name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new DomainException($"A token needs a name of 1 to {MaxNameLength} characters.");
        }

        if (scopes == ApiScopes.None || (scopes & ~(ApiScopes.Read | ApiScopes.Run | ApiScopes.Write | ApiScopes.Admin)) != 0)
        {
            throw new DomainException("A token needs at least one scope: read, run, write or admin.");
        }

        if (ApiScopeRules.Split(scopes).FirstOrDefault(s => !userRole.Includes(ApiScopeRules.RoleOf(s))) is var tooHigh && tooHigh != ApiScopes.None)
        {
            throw new DomainException(
                $"The {tooHigh.ToString().ToLowerInvariant()} scope needs the {ApiScopeRules.RoleOf(tooHigh)} role; you are {userRole} in this workspace.");
        }

        if (expiresAt <= createdAt)
        {
            throw new DomainException("A token's expiry must be in the future.");
        }

        if (expiresAt - createdAt > MaxLifetime)
        {
            throw new DomainException("A token lives at most 366 days.");
        }

        if (tokenHash is not { Length: HashLength })
        {
            throw new DomainException("A token's hash is a 64-character SHA-256 hex string.");
        }

        Id = Guid.CreateVersion7(createdAt);
        UserId = userId;
        WorkspaceId = workspaceId;
        Name = name;
        Scopes = scopes;
        TokenHash = tokenHash;
        Prefix = prefix.Length > PrefixLength ? prefix[..PrefixLength] : prefix;
        ExpiresAt = expiresAt;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public string UserId { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    public ApiScopes Scopes { get; private set; }

    public string TokenHash { get; private set; }

    /// <summary>The first characters of the token, so its owner can tell tokens apart; not enough to use it.</summary>
    public string Prefix { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? LastUsedAt { get; private set; }

    public string? LastUsedFrom { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsUsableAt(DateTimeOffset at) => RevokedAt is null && at < ExpiresAt;

    public void Revoke(DateTimeOffset at)
    {
        if (RevokedAt is not null)
        {
            throw new DomainException("This token is already revoked.");
        }

        RevokedAt = at;
    }
}
