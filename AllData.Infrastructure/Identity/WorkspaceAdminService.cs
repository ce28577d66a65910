using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Identity;

public sealed record WorkspaceRow(Guid Id, string Name, DateTimeOffset CreatedAt, int Members);

/// <summary>Creating, renaming and switching workspaces.</summary>
public sealed class WorkspaceAdminService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal WorkspaceAdminService(AppDb appDb, WorkspaceContext workspace, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.clock = clock;
    }

    /// <summary>Every workspace of the installation (system administrators).</summary>
    public async Task<IReadOnlyList<WorkspaceRow>> ListAllAsync(CancellationToken ct = default)
    {
        await EnsureSystemAdminAsync(ct);
        await using var db = await appDb.UnboundAsync(ct);
        return await db.Workspaces.AsNoTracking()
            .OrderBy(w => w.Name)
            .Select(w => new WorkspaceRow(w.Id, w.Name, w.CreatedAt, db.WorkspaceMembers.Count(m => m.WorkspaceId == w.Id)))
            .ToListAsync(ct);
    }

    /// <summary>Creates a workspace; its creator becomes its first Admin.</summary>
    public async Task<Guid> CreateAsync(string name, CancellationToken ct = default)
    {
        var access = await EnsureSystemAdminAsync(ct);
        var created = new Workspace(name, clock.GetUtcNow());
        await using var db = await appDb.UnboundAsync(ct);
        await EnsureNameFreeAsync(db, created.Name, null, ct);
        db.Workspaces.Add(created);
        db.WorkspaceMembers.Add(new WorkspaceMember(created.Id, access.UserId, WorkspaceRole.Admin, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        workspace.Invalidate();
        return created.Id;
    }

    /// <summary>Renames a workspace: its Admins or a system administrator.</summary>
    public async Task RenameAsync(Guid workspaceId, string name, CancellationToken ct = default)
    {
        var access = await workspace.GetAsync(ct) ?? throw new UnauthorizedAccessException("Sign in first.");
        if (!access.IsSystemAdmin && !access.Workspaces.Any(w => w.WorkspaceId == workspaceId && w.Role == WorkspaceRole.Admin))
        {
            throw new UnauthorizedAccessException("Only the workspace's Admins rename it.");
        }

        await using var db = await appDb.UnboundAsync(ct);
        var target = await db.Workspaces.FirstOrDefaultAsync(w => w.Id == workspaceId, ct)
                     ?? throw new DomainException("That workspace no longer exists.");
        var newName = Workspace.ValidateName(name);
        await EnsureNameFreeAsync(db, newName, workspaceId, ct);
        target.Rename(newName);
        await db.SaveChangesAsync(ct);
        workspace.Invalidate();
    }

    /// <summary>Makes <paramref name="workspaceId"/> the user's current workspace (remembered across sign-ins).</summary>
    public async Task SwitchAsync(Guid workspaceId, CancellationToken ct = default)
    {
        var access = await workspace.GetAsync(ct) ?? throw new UnauthorizedAccessException("Sign in first.");
        if (access.Workspaces.All(w => w.WorkspaceId != workspaceId))
        {
            throw new UnauthorizedAccessException("You are not a member of that workspace.");
        }

        await using var db = await appDb.UnboundAsync(ct);
        await db.Users.Where(u => u.Id == access.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentWorkspaceId, workspaceId), ct);
        workspace.Invalidate();
    }

    private static async Task EnsureNameFreeAsync(AllDataDbContext db, string name, Guid? except, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        if (await db.Workspaces.AnyAsync(w => w.Name.ToLower() == lower && w.Id != except, ct))
        {
            throw new DomainException($"A workspace called '{name}' exists already.");
        }
    }

    private async Task<UserAccess> EnsureSystemAdminAsync(CancellationToken ct)
    {
        var access = await workspace.GetAsync(ct);
        return access is { IsSystemAdmin: true }
            ? access
            : throw new UnauthorizedAccessException("Only system administrators manage workspaces.");
    }
}
