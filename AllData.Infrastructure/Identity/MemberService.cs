using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Identity;

public sealed record MemberRow(string UserId, string UserName, string DisplayName, string? Email, WorkspaceRole Role, DateTimeOffset AddedAt, bool IsDisabled);

/// <summary>Members of a workspace: open to that workspace's Admins and to system administrators.</summary>
public sealed class MemberService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal MemberService(AppDb appDb, WorkspaceContext workspace, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.clock = clock;
    }

    public async Task<IReadOnlyList<MemberRow>> ListAsync(Guid workspaceId, CancellationToken ct = default)
    {
        await EnsureMayManageAsync(workspaceId, ct);
        await using var db = await appDb.UnboundAsync(ct);
        return await (
                from m in db.WorkspaceMembers.AsNoTracking()
                join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                where m.WorkspaceId == workspaceId
                orderby u.UserName
                select new MemberRow(u.Id, u.UserName!, u.DisplayName, u.Email, m.Role, m.AddedAt, u.IsDisabled))
            .ToListAsync(ct);
    }

    /// <summary>Adds the user with that user name (or e-mail) to the workspace.</summary>
    public async Task AddAsync(Guid workspaceId, string userNameOrEmail, WorkspaceRole role, CancellationToken ct = default)
    {
        await EnsureMayManageAsync(workspaceId, ct);
        var key = userNameOrEmail.Trim().ToUpperInvariant();
        await using var db = await appDb.UnboundAsync(ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == key || u.NormalizedEmail == key, ct)
                   ?? throw new DomainException($"No user is called '{userNameOrEmail.Trim()}'.");
        if (await db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == user.Id, ct))
        {
            throw new DomainException($"'{user.UserName}' is already a member.");
        }

        db.WorkspaceMembers.Add(new WorkspaceMember(workspaceId, user.Id, role, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        workspace.Invalidate();
    }

    public async Task ChangeRoleAsync(Guid workspaceId, string userId, WorkspaceRole role, CancellationToken ct = default)
    {
        await EnsureMayManageAsync(workspaceId, ct);
        await using var db = await appDb.UnboundAsync(ct);
        var members = await db.WorkspaceMembers.Where(m => m.WorkspaceId == workspaceId).ToListAsync(ct);
        var member = members.FirstOrDefault(m => m.UserId == userId) ?? throw new DomainException("That user is not a member.");
        MembershipRules.EnsureAnAdminRemains(members, userId, role);
        member.ChangeRole(role);
        await db.SaveChangesAsync(ct);
        workspace.Invalidate();
    }

    public async Task RemoveAsync(Guid workspaceId, string userId, CancellationToken ct = default)
    {
        await EnsureMayManageAsync(workspaceId, ct);
        await using var db = await appDb.UnboundAsync(ct);
        var members = await db.WorkspaceMembers.Where(m => m.WorkspaceId == workspaceId).ToListAsync(ct);
        var member = members.FirstOrDefault(m => m.UserId == userId) ?? throw new DomainException("That user is not a member.");
        MembershipRules.EnsureAnAdminRemains(members, userId, null);
        db.WorkspaceMembers.Remove(member);
        await db.SaveChangesAsync(ct);
        workspace.Invalidate();
    }

    private async Task EnsureMayManageAsync(Guid workspaceId, CancellationToken ct)
    {
        var access = await workspace.GetAsync(ct);
        var allowed = access is not null && (access.IsSystemAdmin
            || access.Workspaces.Any(w => w.WorkspaceId == workspaceId && w.Role == WorkspaceRole.Admin));
        if (!allowed)
        {
            throw new UnauthorizedAccessException("Only the workspace's Admins manage its members.");
        }
    }
}
