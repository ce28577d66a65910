using AllData.Domain.Flink;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

/// <summary>The wall's cluster tiles from the health the Flink feature records on each cluster (no call to Flink here).</summary>
internal sealed class FlinkClusterSummarySource(IDbContextFactory<AllDataDbContext> factory) : IClusterSummarySource
{
    public async Task<ClusterSummary> GetAsync(Guid workspaceId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        var clusters = await db.Set<FlinkCluster>().AsNoTracking()
            .Select(c => new { c.HealthStatus, c.SlotsTotal, c.SlotsAvailable }).ToListAsync(ct);
        if (clusters.Count == 0)
        {
            return ClusterSummary.None;
        }

        var healthy = clusters.Where(c => c.HealthStatus == FlinkClusterStatus.Healthy).ToList();
        return new ClusterSummary(healthy.Count, clusters.Count, healthy.Sum(c => c.SlotsTotal - c.SlotsAvailable), healthy.Sum(c => c.SlotsTotal));
    }
}
