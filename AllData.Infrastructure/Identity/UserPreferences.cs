using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Identity;

/// <summary>Settings a user keeps across sessions and devices.</summary>
public sealed class UserPreferences
{
    private readonly AppDb appDb;
    private readonly ICurrentUser currentUser;
    private readonly WorkspaceContext workspace;

    internal UserPreferences(AppDb appDb, ICurrentUser currentUser, WorkspaceContext workspace)
    {
        this.appDb = appDb;
        this.currentUser = currentUser;
        this.workspace = workspace;
    }

    public async Task SetDarkModeAsync(bool dark, CancellationToken ct = default)
    {
        if (currentUser.UserId is not { } userId)
        {
            return;
        }

        await using var db = await appDb.UnboundAsync(ct);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.PrefersDarkMode, dark), ct);
        workspace.Invalidate();
    }
}
