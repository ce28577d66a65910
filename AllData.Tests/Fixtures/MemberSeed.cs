using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;

namespace AllData.Tests.Fixtures;

/// <summary>Seeds a user who is a member of a workspace (a new one unless given), straight in the store.</summary>
internal static class MemberSeed
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static async Task<(Guid WorkspaceId, string UserId)> CreateAsync(
        DatabaseFixture fixture, WorkspaceRole role, Guid? workspaceId = null, string userNamePrefix = "u")
    {
        await using var db = fixture.CreateContext();
        var workspace = workspaceId ?? Guid.Empty;
        if (workspaceId is null)
        {
            var created = new Workspace("ws-" + Guid.NewGuid().ToString("N")[..12], At);
            db.Workspaces.Add(created);
            workspace = created.Id;
        }

        var user = new AppUser { UserName = userNamePrefix + Guid.NewGuid().ToString("N")[..10], CurrentWorkspaceId = workspace, CreatedAt = At };
        user.NormalizedUserName = user.UserName!.ToUpperInvariant();
        db.Users.Add(user);
        await db.SaveChangesAsync();
        db.WorkspaceMembers.Add(new WorkspaceMember(workspace, user.Id, role, At));
        await db.SaveChangesAsync();
        return (workspace, user.Id);
    }
}
