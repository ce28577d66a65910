using AllData.Domain.Flink;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Flink;

/// <summary>
/// Probes every registered cluster (<c>/overview</c> + <c>/config</c>) every <see cref="FlinkTrackerOptions.HealthInterval"/>,
/// stores the latest health on the cluster and publishes <see cref="ClusterHealthChanged"/>. Of several instances sharing
/// the store, only the one holding the health lock probes (<see cref="AdvisoryLock"/>).
/// </summary>
internal sealed class ClusterHealthMonitor(
    IDbContextFactory<AllDataDbContext> factory, AdvisoryLocks locks, FlinkClusterConnections connections, ILiveEvents events, TimeProvider clock,
    IOptions<FlinkTrackerOptions> options, ILogger<ClusterHealthMonitor> logger) : BackgroundService
{
    public static readonly long LockKey = AdvisoryLock.KeyOf(Guid.Empty, "AllData.Flink.HealthMonitor");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await using var held = locks.Create(LockKey, "Flink health monitor");
        using var timer = new PeriodicTimer(options.Value.HealthInterval, clock);
        do
        {
            try
            {
                if (await held.TryAcquireAsync(stoppingToken))
                {
                    await ProbeAllAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "A round of Flink cluster health probes failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: every cluster of every workspace, probed in parallel.</summary>
    public async Task ProbeAllAsync(CancellationToken ct)
    {
        List<FlinkCluster> clusters;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            clusters = await db.Set<FlinkCluster>().IgnoreQueryFilters().AsNoTracking().ToListAsync(ct);
        }

        await Parallel.ForEachAsync(clusters, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (cluster, token) =>
        {
            var health = await connections.JobManager(cluster).ProbeAsync(token);
            await using var db = await factory.CreateDbContextAsync(token);
            var stored = await db.Set<FlinkCluster>().IgnoreQueryFilters().FirstOrDefaultAsync(c => c.Id == cluster.Id, token);
            if (stored is null)
            {
                return;
            }

            if (stored.RecordHealth(health))
            {
                logger.LogInformation("Flink cluster {ClusterId} is {Status}: {Error}", cluster.Id, health.Status, health.LastError);
            }

            await db.SaveChangesAsync(token);
            events.Publish(new ClusterHealthChanged(cluster.WorkspaceId, cluster.Id, health));
        });
    }
}
