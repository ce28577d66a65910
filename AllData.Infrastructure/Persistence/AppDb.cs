using AllData.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Persistence;

/// <summary>
/// Opens short-lived contexts for feature services. <see cref="ForWorkspaceAsync"/> binds the context to the
/// acting user's current workspace, so the global query filter isolates every workspace-owned entity.
/// </summary>
internal sealed class AppDb(IDbContextFactory<AllDataDbContext> factory, WorkspaceContext workspace)
{
    public async Task<(AllDataDbContext Db, WorkspaceAccess Access)> ForWorkspaceAsync(CancellationToken ct = default)
    {
        var access = await workspace.RequireWorkspaceAsync(ct);
        var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = access.WorkspaceId;
        return (db, access);
    }

    /// <summary>A context for a known workspace, for background work that acts on behalf of no user.</summary>
    public async Task<AllDataDbContext> ForWorkspaceAsync(Guid workspaceId, CancellationToken ct = default)
    {
        var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        return db;
    }

    /// <summary>A context bound to no workspace: it sees users and workspaces, and no workspace-owned rows.</summary>
    public Task<AllDataDbContext> UnboundAsync(CancellationToken ct = default) => factory.CreateDbContextAsync(ct);
}
