using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

/// <summary>The numbers on the workspace's overview page.</summary>
public sealed record WorkspaceOverview(int Members);

internal sealed class WorkspaceOverviewService(AppDb appDb)
{
    public async Task<WorkspaceOverview> GetAsync(CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var members = await db.WorkspaceMembers.CountAsync(m => m.WorkspaceId == access.WorkspaceId, ct);
            return new WorkspaceOverview(members);
        }
    }
}
