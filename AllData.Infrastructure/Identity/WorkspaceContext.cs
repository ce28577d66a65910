using AllData.Domain.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Identity;

/// <summary>A workspace the user can enter, with the user's role there.</summary>
public sealed record WorkspaceAccess(Guid WorkspaceId, string Name, WorkspaceRole Role)
{
    /// <summary>The one role check of every service: throws <see cref="UnauthorizedAccessException"/> when the role is below <paramref name="role"/>.</summary>
    /// <param name="action">What the user tried, completing "You need the … role to …".</param>
    public void Require(WorkspaceRole role, string action)
    {
        if (!Role.Includes(role))
        {
            throw new UnauthorizedAccessException($"You need the {role} role to {action}.");
        }
    }
}

/// <summary>What the acting user may do: who they are, their workspaces and the one they are in.</summary>
public sealed record UserAccess(
    string UserId,
    string UserName,
    string DisplayName,
    bool IsSystemAdmin,
    bool PrefersDarkMode,
    WorkspaceAccess? Current,
    IReadOnlyList<WorkspaceAccess> Workspaces)
{
    public bool Can(WorkspaceRole required) => Current is { } current && current.Role.Includes(required);
}

/// <summary>
/// Resolves the acting user's access once per scope (a request or a circuit), refreshed after a short
/// time so that role changes reach open circuits.
/// </summary>
internal sealed class WorkspaceContext(ICurrentUser currentUser, IDbContextFactory<AllDataDbContext> factory, TimeProvider clock)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(15);
    private UserAccess? _access;
    private string? _accessUserId;
    private DateTimeOffset _loadedAt;

    /// <summary>The access of the signed-in user, or null when nobody (or a disabled user) is signed in.</summary>
    public async Task<UserAccess?> GetAsync(CancellationToken ct = default)
    {
        var userId = currentUser.UserId;
        if (userId is null)
        {
            return null;
        }

        if (_access is not null && _accessUserId == userId && clock.GetUtcNow() - _loadedAt < Freshness)
        {
            return _access;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null || user.IsDisabled)
        {
            return null;
        }

        var workspaces = await (
                from m in db.WorkspaceMembers.AsNoTracking()
                join w in db.Workspaces.AsNoTracking() on m.WorkspaceId equals w.Id
                where m.UserId == userId
                orderby w.Name
                select new WorkspaceAccess(w.Id, w.Name, m.Role))
            .ToListAsync(ct);

        var current = workspaces.FirstOrDefault(w => w.WorkspaceId == user.CurrentWorkspaceId) ?? workspaces.FirstOrDefault();
        _access = new UserAccess(user.Id, user.UserName ?? string.Empty, DisplayNameOf(user), user.IsSystemAdmin,
            user.PrefersDarkMode, current, workspaces);
        _accessUserId = userId;
        _loadedAt = clock.GetUtcNow();
        return _access;
    }

    /// <summary>The access of the signed-in user inside a workspace; throws when there is none.</summary>
    public async Task<WorkspaceAccess> RequireWorkspaceAsync(CancellationToken ct = default) =>
        (await GetAsync(ct))?.Current
        ?? throw new UnauthorizedAccessException("You are not a member of any workspace.");

    /// <summary>The acting user's name, as runs and audit columns record it.</summary>
    public async Task<string> UserNameAsync(CancellationToken ct = default) => (await GetAsync(ct))?.UserName ?? "unknown";

    /// <summary>Forget what was loaded: the next call reads the store again.</summary>
    public void Invalidate() => _access = null;

    internal static string DisplayNameOf(AppUser user) =>
        string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName ?? user.Id : user.DisplayName;
}
