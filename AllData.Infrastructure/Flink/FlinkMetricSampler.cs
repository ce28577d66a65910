using System.Globalization;
using AllData.Domain.Flink;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using Quartz;

namespace AllData.Infrastructure.Flink;

/// <summary>A running Flink job's metrics were sampled: live charts append the point.</summary>
public sealed record FlinkMetricsSampled(
    Guid WorkspaceId, Guid RunId, DateTimeOffset At, double RecordsInPerSecond, double RecordsOutPerSecond, double? LastCheckpointDurationMs,
    double? LastCheckpointSize, long FailedCheckpoints, long Restarts) : LiveEvent(WorkspaceId);

/// <summary>
/// Samples running Flink jobs every <see cref="FlinkTrackerOptions.MetricsInterval"/>: records in/out per second summed over
/// vertices and subtasks, last checkpoint duration and size, failed checkpoints, restarts. Stored at 10 s resolution (kept
/// 6 h) and 1 min resolution (kept 7 days, the minute's latest sample), pruned cluster-wide by a Quartz job (<see cref="PruneFlinkMetricsJob"/>), and published. Of several
/// instances sharing the store, only the one holding the sampling lock samples (<see cref="AdvisoryLock"/>).
/// </summary>
internal sealed class FlinkMetricSampler(
    IDbContextFactory<AllDataDbContext> factory, AdvisoryLocks locks, FlinkClusterConnections connections, ILiveEvents events, TimeProvider clock,
    IOptions<FlinkTrackerOptions> options, ILogger<FlinkMetricSampler> logger) : BackgroundService
{
    public static readonly TimeSpan FineRetention = TimeSpan.FromHours(6);
    public static readonly TimeSpan CoarseRetention = TimeSpan.FromDays(7);

    private static readonly string[] JobMetrics = ["lastCheckpointDuration", "lastCheckpointSize", "numberOfFailedCheckpoints", "numRestarts"];
    private static readonly string[] VertexMetrics = ["numRecordsInPerSecond", "numRecordsOutPerSecond"];

    public static readonly long LockKey = AdvisoryLock.KeyOf(Guid.Empty, "AllData.Flink.MetricSampler");

    private readonly Dictionary<string, IReadOnlyList<string>> _vertices = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await using var held = locks.Create(LockKey, "Flink metric sampler");
        using var timer = new PeriodicTimer(options.Value.MetricsInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (!await held.TryAcquireAsync(stoppingToken))
                {
                    continue;
                }

                await SampleAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "A round of Flink metric sampling failed");
            }
        }
    }

    public async Task<int> SampleAllAsync(CancellationToken ct)
    {
        List<(JobRun Run, FlinkCluster Cluster)> running;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            running = (await db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking()
                    .Where(r => r.Status == RunStatus.Running && r.FlinkJobId != null && r.FlinkClusterId != null)
                    .Join(db.Set<FlinkCluster>().IgnoreQueryFilters(), r => r.FlinkClusterId, c => c.Id, (r, c) => new { r, c })
                    .ToListAsync(ct))
                .Select(x => (x.r, x.c)).ToList();
        }

        var sampled = 0;
        foreach (var (run, cluster) in running)
        {
            try
            {
                await SampleAsync(run, connections.JobManager(cluster), ct);
                sampled++;
            }
            catch (FlinkClientException e)
            {
                logger.LogDebug("Metrics of run {RunId} not sampled: {Error}", run.Id, e.Message);
            }
        }

        return sampled;
    }

    private async Task SampleAsync(JobRun run, FlinkJobManagerClient client, CancellationToken ct)
    {
        var jobId = FlinkJobId.Parse(run.FlinkJobId!);
        if (!_vertices.TryGetValue(jobId.Value, out var vertices))
        {
            vertices = [.. (await client.GetJobAsync(jobId, ct)).Vertices.Select(v => v.Id)];
            _vertices[jobId.Value] = vertices;
        }

        double recordsIn = 0, recordsOut = 0;
        foreach (var vertex in vertices)
        {
            foreach (var m in await client.GetVertexMetricsAsync(jobId, vertex, VertexMetrics, [FlinkMetricAggregation.Sum], ct))
            {
                if (m.Id == "numRecordsInPerSecond")
                {
                    recordsIn += m.Sum ?? 0;
                }
                else if (m.Id == "numRecordsOutPerSecond")
                {
                    recordsOut += m.Sum ?? 0;
                }
            }
        }

        var job = (await client.GetJobMetricsAsync(jobId, JobMetrics, ct)).ToDictionary(m => m.Id, m => Parse(m.Value));
        var at = clock.GetUtcNow();
        var e = new FlinkMetricsSampled(run.WorkspaceId, run.Id, at, recordsIn, recordsOut, job.GetValueOrDefault("lastCheckpointDuration"),
            job.GetValueOrDefault("lastCheckpointSize"), (long)(job.GetValueOrDefault("numberOfFailedCheckpoints") ?? 0), (long)(job.GetValueOrDefault("numRestarts") ?? 0));
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            foreach (var resolution in new[] { 10, 60 })
            {
                var bucket = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.FromSeconds(resolution).Ticks), TimeSpan.Zero);
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO flink_metric_samples (run_id, resolution_seconds, bucket, workspace_id, records_in_per_second, records_out_per_second,
                        last_checkpoint_duration_ms, last_checkpoint_size, failed_checkpoints, restarts)
                    VALUES ({run.Id}, {resolution}, {bucket}, {run.WorkspaceId}, {recordsIn}, {recordsOut}, {e.LastCheckpointDurationMs}, {e.LastCheckpointSize},
                        {e.FailedCheckpoints}, {e.Restarts})
                    ON CONFLICT (run_id, resolution_seconds, bucket) DO UPDATE SET records_in_per_second = EXCLUDED.records_in_per_second,
                        records_out_per_second = EXCLUDED.records_out_per_second, last_checkpoint_duration_ms = EXCLUDED.last_checkpoint_duration_ms,
                        last_checkpoint_size = EXCLUDED.last_checkpoint_size, failed_checkpoints = EXCLUDED.failed_checkpoints, restarts = EXCLUDED.restarts
                    """, ct);
            }
        }

        events.Publish(e);
    }

    private static double? Parse(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}

/// <summary>
/// Deletes Flink metric samples past their retention (<see cref="FlinkMetricSampler.FineRetention"/>,
/// <see cref="FlinkMetricSampler.CoarseRetention"/>); on the clustered scheduler, so one instance prunes at a time.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class PruneFlinkMetricsJob(IDbContextFactory<AllDataDbContext> factory, TimeProvider clock) : IJob
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await PruneAsync(cancellationToken);

    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        var fine = now - FlinkMetricSampler.FineRetention;
        var coarse = now - FlinkMetricSampler.CoarseRetention;
        return await db.Set<FlinkMetricSample>().IgnoreQueryFilters().Where(s => s.ResolutionSeconds == 10 && s.Bucket < fine).ExecuteDeleteAsync(ct)
               + await db.Set<FlinkMetricSample>().IgnoreQueryFilters().Where(s => s.ResolutionSeconds == 60 && s.Bucket < coarse).ExecuteDeleteAsync(ct);
    }
}
