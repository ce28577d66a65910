using System.Security.Cryptography;
using System.Text;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Identity;

public sealed record ApiTokenInfo(
    Guid Id, string Name, Guid WorkspaceId, string WorkspaceName, ApiScopes Scopes, string Prefix, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, string? LastUsedFrom, DateTimeOffset? RevokedAt)
{
    public bool IsActiveAt(DateTimeOffset at) => RevokedAt is null && at < ExpiresAt;
}

/// <summary>A new token: <see cref="Token"/> is shown once and never stored.</summary>
public sealed record CreatedApiToken(ApiTokenInfo Info, string Token);

/// <summary>Who a presented token acts as: its user, its workspace and its scopes.</summary>
public sealed record ApiTokenIdentity(Guid TokenId, string UserId, string UserName, Guid WorkspaceId, ApiScopes Scopes);

/// <summary>
/// Personal API tokens: each user creates, lists and revokes their own, per workspace; the API's authentication
/// handler resolves a presented token against the store on every request, so revoking a token or disabling its user
/// takes effect on every instance at once.
/// </summary>
public sealed class ApiTokenService
{
    public const string TokenPrefix = "adt_";
    private static readonly TimeSpan LastUsedGranularity = TimeSpan.FromMinutes(1);
    private readonly IDbContextFactory<AllDataDbContext> factory;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal ApiTokenService(IDbContextFactory<AllDataDbContext> factory, WorkspaceContext workspace, TimeProvider clock)
    {
        this.factory = factory;
        this.workspace = workspace;
        this.clock = clock;
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListMineAsync(CancellationToken ct = default)
    {
        var access = await workspace.GetAsync(ct) ?? throw new UnauthorizedAccessException("Sign in first.");
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (
                from t in db.Set<ApiToken>().AsNoTracking()
                join w in db.Workspaces.AsNoTracking() on t.WorkspaceId equals w.Id
                where t.UserId == access.UserId
                orderby t.CreatedAt descending
                select new ApiTokenInfo(t.Id, t.Name, t.WorkspaceId, w.Name, t.Scopes, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt,
                    t.LastUsedFrom, t.RevokedAt))
            .ToListAsync(ct);
    }

    /// <summary>Creates a token of the signed-in user for one of their workspaces; its scopes may not exceed their role there.</summary>
    public async Task<CreatedApiToken> CreateAsync(string name, Guid workspaceId, ApiScopes scopes, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        var access = await workspace.GetAsync(ct) ?? throw new UnauthorizedAccessException("Sign in first.");
        if (access.Workspaces.FirstOrDefault(w => w.WorkspaceId == workspaceId) is not { } member)
        {
            throw new UnauthorizedAccessException("You are not a member of that workspace.");
        }

        var token = TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var entity = new ApiToken(access.UserId, workspaceId, name, scopes, member.Role, Hash(token), token[..ApiToken.PrefixLength],
            expiresAt, clock.GetUtcNow());
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Add(entity);
        await db.SaveChangesAsync(ct);
        return new CreatedApiToken(new ApiTokenInfo(entity.Id, entity.Name, workspaceId, member.Name, entity.Scopes, entity.Prefix,
            entity.CreatedAt, entity.ExpiresAt, null, null, null), token);
    }

    /// <summary>Revokes one of the signed-in user's tokens.</summary>
    public async Task RevokeAsync(Guid tokenId, CancellationToken ct = default)
    {
        var access = await workspace.GetAsync(ct) ?? throw new UnauthorizedAccessException("Sign in first.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var token = await db.Set<ApiToken>().FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == access.UserId, ct)
                    ?? throw new NotFoundException("That token does not exist.");
        token.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The identity a presented token acts as, or null when it is unknown, revoked, expired or its user is disabled.
    /// Records the last use (at most once a minute per token, so a busy pipeline does not write on every call).
    /// </summary>
    public async Task<ApiTokenIdentity?> ResolveAsync(string? token, string? address, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200 || !token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(token);
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        var found = await (
                from t in db.Set<ApiToken>().AsNoTracking()
                join u in db.Users.AsNoTracking() on t.UserId equals u.Id
                where t.TokenHash == hash
                select new { t.Id, t.UserId, u.UserName, u.IsDisabled, t.WorkspaceId, t.Scopes, t.RevokedAt, t.ExpiresAt, t.LastUsedAt })
            .FirstOrDefaultAsync(ct);
        if (found is null || found.IsDisabled || found.RevokedAt is not null || now >= found.ExpiresAt)
        {
            return null;
        }

        if (found.LastUsedAt is not { } last || now - last >= LastUsedGranularity)
        {
            var from = address is { Length: > ApiToken.MaxAddressLength } ? address[..ApiToken.MaxAddressLength] : address;
            await db.Set<ApiToken>().Where(t => t.Id == found.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now).SetProperty(t => t.LastUsedFrom, from), ct);
        }

        return new ApiTokenIdentity(found.Id, found.UserId, found.UserName ?? found.UserId, found.WorkspaceId, found.Scopes);
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
