using AllData.Domain.Catalog;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

/// <summary>The numbers on the workspace's overview page.</summary>
public sealed record WorkspaceOverview(int Members, int DataSources, int Tables, int RunsLast24Hours, int LiveRuns);

public sealed class WorkspaceOverviewService
{
    private readonly AppDb appDb;
    private readonly TimeProvider clock;

    internal WorkspaceOverviewService(AppDb appDb, TimeProvider clock)
    {
        this.appDb = appDb;
        this.clock = clock;
    }

    public async Task<WorkspaceOverview> GetAsync(CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var since = clock.GetUtcNow().AddHours(-24);
            var members = await db.WorkspaceMembers.CountAsync(m => m.WorkspaceId == access.WorkspaceId, ct);
            var sources = await db.Set<DataSource>().CountAsync(ct);
            var tables = await db.Set<CatalogTable>().CountAsync(ct);
            var runs = await db.Set<JobRun>().CountAsync(r => r.CreatedAt >= since, ct);
            var live = await db.Set<JobRun>().CountAsync(r => r.Status != RunStatus.Finished && r.Status != RunStatus.Failed && r.Status != RunStatus.Canceled, ct);
            return new WorkspaceOverview(members, sources, tables, runs, live);
        }
    }
}
