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
                    await StartProbesAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "A round of Flink cluster health probes failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>At most this many probes are in flight at once.</summary>
    public const int MaxProbes = 16;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Task> _inFlight = new();

    /// <summary>
    /// One tick: starts a probe of every cluster whose previous probe has ended, and returns at once. A cluster that
    /// hangs until its timeout holds only its own probe: the others are probed every tick meanwhile (a round that
    /// waited for the slowest cluster let one hung cluster delay the health of all).
    /// </summary>
    /// <returns>How many probes it started.</returns>
    public async Task<int> StartProbesAsync(CancellationToken ct)
    {
        var started = 0;
        foreach (var cluster in await ClustersAsync(ct))
        {
            if (_inFlight.Count >= MaxProbes || _inFlight.ContainsKey(cluster.Id))
            {
                continue;
            }

            var probe = new TaskCompletionSource();
            if (!_inFlight.TryAdd(cluster.Id, probe.Task))
            {
                continue;
            }

            started++;
            _ = Task.Run(async () =>
            {
                try
                {
                    await ProbeAsync(cluster, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Probing Flink cluster {ClusterId} failed", cluster.Id);
                }
                finally
                {
                    _inFlight.TryRemove(cluster.Id, out _);
                    probe.TrySetResult();
                }
            }, CancellationToken.None);
        }

        return started;
    }

    /// <summary>Whether a probe of the cluster is still running.</summary>
    public bool IsProbing(Guid clusterId) => _inFlight.ContainsKey(clusterId);

    /// <summary>One round: every cluster of every workspace, probed in parallel, returning when all have answered.</summary>
    public async Task ProbeAllAsync(CancellationToken ct) =>
        await Parallel.ForEachAsync(await ClustersAsync(ct), new ParallelOptions { MaxDegreeOfParallelism = MaxProbes, CancellationToken = ct },
            async (cluster, token) => await ProbeAsync(cluster, token));

    private async Task<List<FlinkCluster>> ClustersAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<FlinkCluster>().IgnoreQueryFilters().AsNoTracking().ToListAsync(ct);
    }

    private async Task ProbeAsync(FlinkCluster cluster, CancellationToken token)
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
    }
}
