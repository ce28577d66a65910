using System.Security.Cryptography;
using System.Text;
using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

public sealed record WallTokenInfo(Guid Id, string Name, string? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A new wall link: <see cref="Token"/> is shown once and never stored.</summary>
public sealed record CreatedWallToken(WallTokenInfo Info, string Token);

/// <summary>Display links for the monitoring wall: workspace admins create and revoke them; the wall resolves them.</summary>
internal sealed class WallTokenService(AppDb appDb, WorkspaceContext workspace, IDbContextFactory<AllDataDbContext> factory, TimeProvider clock)
{
    public async Task<IReadOnlyList<WallTokenInfo>> ListAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await db.Set<WallToken>().AsNoTracking().OrderByDescending(t => t.CreatedAt)
                .Select(t => new WallTokenInfo(t.Id, t.Name, t.CreatedBy, t.CreatedAt, t.RevokedAt)).ToListAsync(ct);
        }
    }

    public async Task<CreatedWallToken> CreateAsync(string name, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Admin, "manage wall links");
            var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var entity = new WallToken(access.WorkspaceId, name, Hash(token), (await workspace.GetAsync(ct))?.DisplayName, clock.GetUtcNow());
            db.Add(entity);
            await db.SaveChangesAsync(ct);
            return new CreatedWallToken(new WallTokenInfo(entity.Id, entity.Name, entity.CreatedBy, entity.CreatedAt, null), token);
        }
    }

    public async Task RevokeAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Admin, "manage wall links");
            var token = await db.Set<WallToken>().FirstOrDefaultAsync(t => t.Id == id, ct)
                        ?? throw new Domain.Common.DomainException("This wall link does not exist.");
            token.Revoke(clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>The workspace a wall token opens, or null when it is unknown or revoked.</summary>
    public async Task<Guid?> ResolveAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200)
        {
            return null;
        }

        var hash = Hash(token);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<WallToken>().IgnoreQueryFilters().AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null).Select(t => (Guid?)t.WorkspaceId).FirstOrDefaultAsync(ct);
    }

    public async Task<string?> WorkspaceNameAsync(Guid workspaceId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.Name).FirstOrDefaultAsync(ct);
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
