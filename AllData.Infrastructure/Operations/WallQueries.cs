using AllData.Domain.Flink;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

/// <summary>Clusters of a workspace as the wall counts them. The Flink feature provides it; without one there are none.</summary>
public sealed record ClusterSummary(int Healthy, int Total, int? SlotsInUse, int? SlotsTotal)
{
    public static readonly ClusterSummary None = new(0, 0, null, null);
}

public interface IClusterSummarySource
{
    Task<ClusterSummary> GetAsync(Guid workspaceId, CancellationToken ct = default);
}

public sealed record HourBucket(DateTimeOffset Hour, int Finished, int Failed, int Canceled);

public sealed record TickerItem(Guid RunId, Guid JobId, string? JobName, RunStatus? From, RunStatus To, DateTimeOffset At, string? Reason);

/// <summary>A job whose latest run is Failed, or a run whose state is Unknown: the wall shows a red banner while any exists.</summary>
public sealed record AlarmRun(Guid RunId, Guid JobId, string? JobName, RunStatus Status, DateTimeOffset At);

/// <summary>A running streaming job's recent output rate (records out per second), oldest first.</summary>
public sealed record ThroughputLine(Guid RunId, string? JobName, IReadOnlyList<double> RecordsOutPerSecond);

public sealed record WallState(
    int Running,
    int FailedLast24h,
    double? SuccessRateLast24h,
    ClusterSummary Clusters,
    IReadOnlyDictionary<RunStatus, int> ByStatus,
    IReadOnlyList<HourBucket> PerHour,
    IReadOnlyList<AlarmRun> Alarms,
    IReadOnlyList<TickerItem> Ticker,
    IReadOnlyList<ThroughputLine> Throughput);

/// <summary>
/// The numbers of a workspace's monitoring wall. The caller resolved the workspace (a member's, or a wall token's), so
/// this takes it explicitly.
/// </summary>
public sealed class WallQueries
{
    private readonly IDbContextFactory<AllDataDbContext> factory;
    private readonly IEnumerable<IClusterSummarySource> clusters;
    private readonly TimeProvider clock;

    internal WallQueries(IDbContextFactory<AllDataDbContext> factory, IEnumerable<IClusterSummarySource> clusters, TimeProvider clock)
    {
        this.factory = factory;
        this.clusters = clusters;
        this.clock = clock;
    }

    public const int TickerLength = 15;
    public const int FineResolutionSeconds = 10;

    public async Task<WallState> GetAsync(Guid workspaceId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var since = now.AddHours(-24);
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        var runs = db.Set<JobRun>().AsNoTracking();

        var byStatus = (await runs.Where(r => r.CreatedAt >= since || (r.Status != RunStatus.Finished && r.Status != RunStatus.Failed && r.Status != RunStatus.Canceled))
                .GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(c => c.Key, c => c.Count);

        var ended = await runs.Where(r => r.EndedAt >= since).Select(r => new { r.EndedAt, r.Status }).ToListAsync(ct);
        var firstHour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-23);
        var perHour = Enumerable.Range(0, 24).Select(i =>
        {
            var hour = firstHour.AddHours(i);
            var inHour = ended.Where(e => e.EndedAt >= hour && e.EndedAt < hour.AddHours(1)).ToList();
            return new HourBucket(hour, inHour.Count(e => e.Status == RunStatus.Finished), inHour.Count(e => e.Status == RunStatus.Failed),
                inHour.Count(e => e.Status == RunStatus.Canceled));
        }).ToList();

        var finished = ended.Count(e => e.Status == RunStatus.Finished);
        var failed = ended.Count(e => e.Status == RunStatus.Failed);
        double? successRate = finished + failed == 0 ? null : (double)finished / (finished + failed);

        var alarms = await runs
            .Where(r => r.Status == RunStatus.Unknown
                        || (r.Status == RunStatus.Failed && !runs.Any(n => n.JobId == r.JobId && n.CreatedAt > r.CreatedAt)))
            .OrderByDescending(r => r.CreatedAt).Take(20)
            .Select(r => new AlarmRun(r.Id, r.JobId, db.Set<Job>().Where(j => j.Id == r.JobId).Select(j => j.Name).FirstOrDefault(), r.Status, r.EndedAt ?? r.CreatedAt)).ToListAsync(ct);

        var ticker = await (from c in db.Set<RunStatusChange>().AsNoTracking()
                            join r in runs on c.RunId equals r.Id
                            orderby c.At descending
                            select new TickerItem(c.RunId, r.JobId, db.Set<Job>().Where(j => j.Id == r.JobId).Select(j => j.Name).FirstOrDefault(), c.From, c.To, c.At, c.Reason))
            .Take(TickerLength).ToListAsync(ct);

        // The busiest streaming jobs: running Flink runs with samples in the last 10 minutes, by their latest output rate.
        var recent = now.AddMinutes(-10);
        var samples = await (from m in db.Set<FlinkMetricSample>().AsNoTracking()
                             join r in runs on m.RunId equals r.Id
                             where r.Status == RunStatus.Running && m.Bucket >= recent && m.ResolutionSeconds == FineResolutionSeconds
                             select new { m.RunId, r.JobId, m.Bucket, m.RecordsOutPerSecond })
            .ToListAsync(ct);
        var busiest = samples.GroupBy(m => m.RunId)
            .Select(g => (g.Key, g.First().JobId, Points: g.OrderBy(m => m.Bucket).Select(m => m.RecordsOutPerSecond).ToList()))
            .OrderByDescending(g => g.Points[^1]).Take(4).ToList();
        var jobIds = busiest.Select(b => b.JobId).ToList();
        var names = await db.Set<Job>().AsNoTracking().Where(j => jobIds.Contains(j.Id)).ToDictionaryAsync(j => j.Id, j => j.Name, ct);
        var throughput = busiest.Select(b => new ThroughputLine(b.Key, names.GetValueOrDefault(b.JobId), b.Points)).ToList();

        var cluster = ClusterSummary.None;
        foreach (var source in clusters)
        {
            var s = await source.GetAsync(workspaceId, ct);
            cluster = new ClusterSummary(cluster.Healthy + s.Healthy, cluster.Total + s.Total, Add(cluster.SlotsInUse, s.SlotsInUse),
                Add(cluster.SlotsTotal, s.SlotsTotal));
        }

        return new WallState(byStatus.GetValueOrDefault(RunStatus.Running), failed, successRate, cluster, byStatus, perHour, alarms, ticker, throughput);
    }

    private static int? Add(int? a, int? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);
}
