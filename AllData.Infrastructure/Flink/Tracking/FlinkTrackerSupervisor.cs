using AllData.Domain.Flink;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Flink.Tracking;

/// <summary>
/// Runs one <see cref="ClusterTracker"/> loop per registered cluster: starts loops for new clusters, restarts them when a
/// cluster's endpoints change, stops them for deleted ones. On an app start every non-final run with a Flink job id is
/// tracked again, because the trackers read the runs from the store on every tick.
/// </summary>
internal sealed class FlinkTrackerSupervisor(
    IDbContextFactory<AllDataDbContext> factory,
    AdvisoryLocks locks,
    FlinkClusterConnections connections,
    RunRecorder recorder,
    TimeProvider clock,
    IOptions<FlinkTrackerOptions> options,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly Dictionary<Guid, (ClusterTracker Tracker, CancellationTokenSource Stop, Task Loop)> _loops = [];
    private readonly ILogger _logger = loggers.CreateLogger<FlinkTrackerSupervisor>();

    public ClusterTracker CreateTracker(FlinkClusterTarget target) =>
        new(target, factory, locks, connections, recorder, clock, options.Value, loggers.CreateLogger<ClusterTracker>());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.ClusterRefreshInterval, clock);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    _logger.LogWarning(e, "Refreshing the Flink trackers failed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            foreach (var id in _loops.Keys.ToList())
            {
                await StopLoopAsync(id);
            }
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        List<FlinkCluster> clusters;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            clusters = await db.Set<FlinkCluster>().IgnoreQueryFilters().AsNoTracking().ToListAsync(ct);
        }

        var targets = clusters.Select(connections.TargetOf).ToDictionary(t => t.Id);
        foreach (var (id, loop) in _loops.ToList())
        {
            if (!targets.TryGetValue(id, out var current) || current != loop.Tracker.Target || loop.Loop.IsCompleted)
            {
                await StopLoopAsync(id);
            }
        }

        foreach (var target in targets.Values.Where(t => !_loops.ContainsKey(t.Id)))
        {
            var tracker = CreateTracker(target);
            var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _loops[target.Id] = (tracker, stop, Task.Run(() => tracker.RunAsync(stop.Token), CancellationToken.None));
        }
    }

    private async Task StopLoopAsync(Guid id)
    {
        if (!_loops.Remove(id, out var loop))
        {
            return;
        }

        await loop.Stop.CancelAsync();
        try
        {
            await loop.Loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }

        await loop.Tracker.DisposeAsync();
        loop.Stop.Dispose();
    }
}
