using System.Runtime.CompilerServices;
using AllData.Domain.Catalog;
using AllData.Domain.Flink;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int TotalCount);

public enum RunSort
{
    Created,
    Started,
    Status,
    Duration,
}

/// <summary>Filters, search, sort and page of the operations list. Empty filters match everything.</summary>
public sealed record RunListQuery
{
    public IReadOnlyCollection<RunStatus> Statuses { get; init; } = [];

    public RunEngine? Engine { get; init; }

    public Guid? JobId { get; init; }

    /// <summary>Runs on this Flink cluster.</summary>
    public Guid? ClusterId { get; init; }

    public RunTrigger? Trigger { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Matches who started the run, its Flink job id, its result summary or error.</summary>
    public string? Search { get; init; }

    public RunSort Sort { get; init; } = RunSort.Created;

    public bool Descending { get; init; } = true;

    public int Page { get; init; }

    public int PageSize { get; init; } = 25;
}

/// <param name="Target">Where it ran: the data source (database runs) or the cluster (Flink runs), when known.</param>
public sealed record RunListItem(
    Guid Id, Guid JobId, string? JobName, RunEngine Engine, RunTrigger Trigger, RunStatus Status, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, string? StartedBy, string? Target, string? FlinkJobId, string? ResultSummary)
{
    /// <summary>Run time so far for a live run, the whole run time for a final one; null before it started.</summary>
    public TimeSpan? DurationAt(DateTimeOffset now) => StartedAt is { } s ? (EndedAt ?? now) - s : null;
}

/// <summary>The cards above the list: runs per status, and failures in the last 24 hours.</summary>
public sealed record RunStatusSummary(IReadOnlyDictionary<RunStatus, int> ByStatus, int FailedLast24h)
{
    public int Count(RunStatus status) => ByStatus.GetValueOrDefault(status);

    public int Live => ByStatus.Where(p => !p.Key.IsFinal()).Sum(p => p.Value);
}

/// <param name="Sql">The text of the version that ran; for a draft run, the job's draft as it is now.</param>
public sealed record RunDetail(
    RunListItem Run, Guid? JobVersionId, int? VersionNumber, string? Sql, string? SettingsJson, string? ErrorMessage,
    IReadOnlyList<RunHistoryItem> History);

public sealed record RunMetricPoint(DateTimeOffset At, double RecordsInPerSecond, double RecordsOutPerSecond, double? LastCheckpointDurationMs);

public sealed record RunHistoryItem(RunStatus? From, RunStatus To, DateTimeOffset At, string? Reason);

/// <summary>Reads runs of the acting user's workspace for the operations center.</summary>
public sealed class OperationsQueries
{
    private readonly AppDb appDb;
    private readonly TimeProvider clock;

    internal OperationsQueries(AppDb appDb, TimeProvider clock)
    {
        this.appDb = appDb;
        this.clock = clock;
    }

    public const int MaxPageSize = 200;

    public async Task<PagedResult<RunListItem>> ListAsync(RunListQuery query, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var runs = Filter(db, db.Set<JobRun>().AsNoTracking(), query);
            var total = await runs.CountAsync(ct);
            var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
            var items = await Sort(runs, query).Skip(Math.Max(0, query.Page) * size).Take(size)
                .Select(r => new RunListItem(r.Id, r.JobId,
                    db.Set<Job>().Where(j => j.Id == r.JobId).Select(j => j.Name).FirstOrDefault(),
                    r.Engine, r.Trigger, r.Status, r.CreatedAt, r.StartedAt, r.EndedAt,
                    db.Users.Where(u => u.Id == r.StartedBy).Select(u => u.DisplayName != "" ? u.DisplayName : u.UserName).FirstOrDefault() ?? r.StartedBy,
                    r.FlinkClusterId != null
                        ? db.Set<FlinkCluster>().Where(c => c.Id == r.FlinkClusterId).Select(c => c.Name).FirstOrDefault()
                        : db.Set<Job>().Where(j => j.Id == r.JobId)
                            .SelectMany(j => db.Set<DataSource>().Where(d => d.Id == j.DataSourceId).Select(d => d.Name)).FirstOrDefault(),
                    r.FlinkJobId, r.ResultSummary))
                .ToListAsync(ct);
            return new PagedResult<RunListItem>(items, total);
        }
    }

    public async Task<RunStatusSummary> SummaryAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var runs = db.Set<JobRun>().AsNoTracking();
            var counts = await runs.GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            var since = clock.GetUtcNow().AddHours(-24);
            var failed = await runs.CountAsync(r => r.Status == RunStatus.Failed && r.EndedAt >= since, ct);
            return new RunStatusSummary(counts.ToDictionary(c => c.Key, c => c.Count), failed);
        }
    }

    public async Task<RunDetail?> DetailAsync(Guid runId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var run = await db.Set<JobRun>().AsNoTracking().Include(r => r.History).FirstOrDefaultAsync(r => r.Id == runId, ct);
            if (run is null)
            {
                return null;
            }

            var startedBy = await db.Users.Where(u => u.Id == run.StartedBy).Select(u => u.DisplayName != "" ? u.DisplayName : u.UserName).FirstOrDefaultAsync(ct)
                            ?? run.StartedBy;
            var job = await db.Set<Job>().AsNoTracking().Where(j => j.Id == run.JobId).Select(j => new { j.Name, j.DataSourceId, j.DraftSql })
                .FirstOrDefaultAsync(ct);
            var target = run.FlinkClusterId is { } cluster
                ? await db.Set<FlinkCluster>().Where(c => c.Id == cluster).Select(c => c.Name).FirstOrDefaultAsync(ct)
                : job?.DataSourceId is { } ds
                    ? await db.Set<DataSource>().Where(d => d.Id == ds).Select(d => d.Name).FirstOrDefaultAsync(ct)
                    : null;
            var version = run.JobVersionId is { } vid
                ? await db.Set<JobVersion>().AsNoTracking().Where(v => v.Id == vid).Select(v => new { v.Number, v.SqlText, v.SettingsJson })
                    .FirstOrDefaultAsync(ct)
                : null;
            var item = new RunListItem(run.Id, run.JobId, job?.Name, run.Engine, run.Trigger, run.Status, run.CreatedAt, run.StartedAt,
                run.EndedAt, startedBy, target, run.FlinkJobId, run.ResultSummary);
            var history = run.History.OrderBy(h => h.At).Select(h => new RunHistoryItem(h.From, h.To, h.At, h.Reason)).ToList();
            return new RunDetail(item, run.JobVersionId, version?.Number, version?.SqlText ?? job?.DraftSql, version?.SettingsJson,
                run.ErrorMessage, history);
        }
    }

    /// <summary>The last <paramref name="max"/> lines of a run's log (oldest first), after <paramref name="afterSequence"/>.</summary>
    public async Task<IReadOnlyList<RunLogEntry>> LogTailAsync(Guid runId, long afterSequence = 0, int max = 2000, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var lines = await db.Set<RunLogLine>().AsNoTracking().Where(l => l.RunId == runId && l.Sequence > afterSequence)
                .OrderByDescending(l => l.Sequence).Take(max)
                .Select(l => new RunLogEntry(l.Sequence, l.At, l.Level, l.Text)).ToListAsync(ct);
            lines.Reverse();
            return lines;
        }
    }

    /// <summary>The first <paramref name="max"/> lines of a run's log after <paramref name="afterSequence"/>, oldest first (a follower's next batch).</summary>
    public async Task<IReadOnlyList<RunLogEntry>> LogAfterAsync(Guid runId, long afterSequence, int max = 1000, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await db.Set<RunLogLine>().AsNoTracking().Where(l => l.RunId == runId && l.Sequence > afterSequence)
                .OrderBy(l => l.Sequence).Take(max)
                .Select(l => new RunLogEntry(l.Sequence, l.At, l.Level, l.Text)).ToListAsync(ct);
        }
    }

    /// <summary>The whole log of a run, streamed from the store (never loaded at once). Empty when the run is not visible.</summary>
    public async IAsyncEnumerable<RunLogEntry> StreamLogAsync(Guid runId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            await foreach (var line in db.Set<RunLogLine>().AsNoTracking().Where(l => l.RunId == runId).OrderBy(l => l.Sequence)
                               .Select(l => new RunLogEntry(l.Sequence, l.At, l.Level, l.Text)).AsAsyncEnumerable().WithCancellation(ct))
            {
                yield return line;
            }
        }
    }

    /// <summary>A Flink run's sampled metrics at the finest resolution kept, oldest first (at most <paramref name="max"/>).</summary>
    public async Task<IReadOnlyList<RunMetricPoint>> MetricsAsync(Guid runId, int max = 360, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var points = await db.Set<FlinkMetricSample>().AsNoTracking().Where(m => m.RunId == runId)
                .OrderBy(m => m.ResolutionSeconds).ThenByDescending(m => m.Bucket).Take(max)
                .Select(m => new RunMetricPoint(m.Bucket, m.RecordsInPerSecond, m.RecordsOutPerSecond, m.LastCheckpointDurationMs))
                .ToListAsync(ct);
            return [.. points.DistinctBy(p => p.At).OrderBy(p => p.At)];
        }
    }

    /// <summary>The workspace's Flink clusters, for the list's cluster filter.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> ClustersAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var clusters = await db.Set<FlinkCluster>().AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(ct);
            return [.. clusters.Select(c => (c.Id, c.Name))];
        }
    }

    public async Task<bool> ExistsAsync(Guid runId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await db.Set<JobRun>().AnyAsync(r => r.Id == runId, ct);
        }
    }

    private static IQueryable<JobRun> Filter(AllDataDbContext db, IQueryable<JobRun> runs, RunListQuery q)
    {
        if (q.Statuses.Count > 0)
        {
            var statuses = q.Statuses.ToList();
            runs = runs.Where(r => statuses.Contains(r.Status));
        }

        if (q.Engine is { } engine)
        {
            runs = runs.Where(r => r.Engine == engine);
        }

        if (q.JobId is { } job)
        {
            runs = runs.Where(r => r.JobId == job);
        }

        if (q.ClusterId is { } clusterId)
        {
            runs = runs.Where(r => r.FlinkClusterId == clusterId);
        }

        if (q.Trigger is { } trigger)
        {
            runs = runs.Where(r => r.Trigger == trigger);
        }

        if (q.From is { } from)
        {
            runs = runs.Where(r => r.CreatedAt >= from);
        }

        if (q.To is { } to)
        {
            runs = runs.Where(r => r.CreatedAt < to);
        }

        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            var pattern = "%" + q.Search.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            var jobs = db.Set<Job>().Where(j => EF.Functions.ILike(j.Name, pattern, "\\")).Select(j => j.Id);
            runs = runs.Where(r => jobs.Contains(r.JobId) || EF.Functions.ILike(r.StartedBy ?? "", pattern, "\\") || EF.Functions.ILike(r.FlinkJobId ?? "", pattern, "\\")
                                   || EF.Functions.ILike(r.ResultSummary ?? "", pattern, "\\") || EF.Functions.ILike(r.ErrorMessage ?? "", pattern, "\\"));
        }

        return runs;
    }

    private static IQueryable<JobRun> Sort(IQueryable<JobRun> runs, RunListQuery q) => (q.Sort, q.Descending) switch
    {
        (RunSort.Started, true) => runs.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.CreatedAt),
        (RunSort.Started, false) => runs.OrderBy(r => r.StartedAt).ThenBy(r => r.CreatedAt),
        (RunSort.Status, true) => runs.OrderByDescending(r => r.Status).ThenByDescending(r => r.CreatedAt),
        (RunSort.Status, false) => runs.OrderBy(r => r.Status).ThenByDescending(r => r.CreatedAt),
        (RunSort.Duration, true) => runs.OrderByDescending(r => r.EndedAt - r.StartedAt).ThenByDescending(r => r.CreatedAt),
        (RunSort.Duration, false) => runs.OrderBy(r => r.EndedAt - r.StartedAt).ThenByDescending(r => r.CreatedAt),
        (_, false) => runs.OrderBy(r => r.CreatedAt),
        _ => runs.OrderByDescending(r => r.CreatedAt),
    };
}
