using AllData.Domain.Alerts;
using AllData.Domain.Catalog;
using AllData.Domain.Quality;
using AllData.Domain.Scheduling;
using AllData.Domain.Flink;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Alerts;

/// <summary>A subject the condition holds for now, and why.</summary>
internal sealed record Holding(AlertSubject Subject, string Reason);

/// <summary>The jobs of a workspace with their folders, to decide what a scope covers.</summary>
internal sealed class ScopeIndex
{
    private readonly Dictionary<Guid, (string Name, Guid? FolderId)> _jobs;
    private readonly Dictionary<Guid, Guid?> _folderParents;

    private ScopeIndex(Dictionary<Guid, (string, Guid?)> jobs, Dictionary<Guid, Guid?> folderParents)
    {
        _jobs = jobs;
        _folderParents = folderParents;
    }

    public static async Task<ScopeIndex> LoadAsync(AllDataDbContext db, Guid workspaceId, CancellationToken ct)
    {
        var jobs = await db.Set<Job>().IgnoreQueryFilters().AsNoTracking().Where(j => j.WorkspaceId == workspaceId)
            .Select(j => new { j.Id, j.Name, j.FolderId }).ToListAsync(ct);
        var folders = await db.Set<JobFolder>().IgnoreQueryFilters().AsNoTracking().Where(f => f.WorkspaceId == workspaceId)
            .Select(f => new { f.Id, f.ParentId }).ToListAsync(ct);
        return new ScopeIndex(jobs.ToDictionary(j => j.Id, j => (j.Name, j.FolderId)), folders.ToDictionary(f => f.Id, f => f.ParentId));
    }

    public string JobName(Guid jobId) => _jobs.TryGetValue(jobId, out var j) ? j.Name : jobId.ToString()[..8];

    public IEnumerable<Guid> JobIds => _jobs.Keys;

    public bool CoversJob(AlertScope scope, Guid jobId, Guid? clusterId) => scope.Kind switch
    {
        AlertScopeKind.AllJobs => _jobs.ContainsKey(jobId),
        AlertScopeKind.Job => scope.TargetId == jobId,
        AlertScopeKind.Cluster => clusterId is not null && clusterId == scope.TargetId,
        AlertScopeKind.Folder => _jobs.TryGetValue(jobId, out var j) && InFolder(j.FolderId, scope.TargetId!.Value),
        _ => false,
    };

    private bool InFolder(Guid? folderId, Guid target)
    {
        for (var depth = 0; folderId is { } f && depth < 64; depth++)
        {
            if (f == target)
            {
                return true;
            }

            folderId = _folderParents.GetValueOrDefault(f);
        }

        return false;
    }
}

/// <summary>
/// Which subjects a rule's condition holds for now, read from the store: the time conditions each evaluation, and all
/// conditions for the editor's "would fire now" preview.
/// </summary>
internal static class AlertConditions
{
    /// <summary>How far back a missed slot keeps a schedule-missed alert firing (unless it is run again first).</summary>
    public static readonly TimeSpan MissedWindow = TimeSpan.FromHours(24);

    public static async Task<IReadOnlyList<Holding>> HoldingAsync(AllDataDbContext db, AlertRule rule, ScopeIndex scope, DateTimeOffset now,
        CancellationToken ct)
    {
        var ws = rule.WorkspaceId;
        var c = rule.Condition;
        var runs = db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking().Where(r => r.WorkspaceId == ws);
        var changes = db.Set<RunStatusChange>().IgnoreQueryFilters().AsNoTracking().Where(x => x.WorkspaceId == ws);
        switch (c.Kind)
        {
            case AlertConditionKind.RunFailed:
            {
                // The preview's view of the event condition: jobs whose latest finished run failed.
                var latest = await runs.Where(r => r.Status == RunStatus.Finished || r.Status == RunStatus.Failed)
                    .GroupBy(r => r.JobId)
                    .Select(g => g.OrderByDescending(r => r.EndedAt).Select(r => new { r.Id, r.JobId, r.FlinkClusterId, r.Status, r.ErrorMessage }).First())
                    .ToListAsync(ct);
                return [.. latest.Where(r => r.Status == RunStatus.Failed && scope.CoversJob(rule.Scope, r.JobId, r.FlinkClusterId))
                    .Select(r => new Holding(AlertSubject.Job(r.JobId, scope.JobName(r.JobId), r.Id), r.ErrorMessage ?? "failed"))];
            }

            case AlertConditionKind.RunUnknownFor:
            {
                var limit = now - TimeSpan.FromMinutes(c.Minutes!.Value);
                var unknown = await runs.Where(r => r.Status == RunStatus.Unknown)
                    .Select(r => new
                    {
                        r.Id, r.JobId, r.FlinkClusterId,
                        Since = changes.Where(x => x.RunId == r.Id && x.To == RunStatus.Unknown).Max(x => (DateTimeOffset?)x.At),
                    })
                    .ToListAsync(ct);
                return [.. unknown.Where(r => r.Since is { } s && s <= limit && scope.CoversJob(rule.Scope, r.JobId, r.FlinkClusterId))
                    .Select(r => new Holding(RunSubject(scope, r.JobId, r.Id), $"Unknown since {AlertTemplates.FormatTime(r.Since!.Value)}"))];
            }

            case AlertConditionKind.RunTooLong:
            {
                var running = await runs.Where(r => r.Status == RunStatus.Running && r.StartedAt != null)
                    .Select(r => new { r.Id, r.JobId, r.FlinkClusterId, r.StartedAt }).ToListAsync(ct);
                running = [.. running.Where(r => scope.CoversJob(rule.Scope, r.JobId, r.FlinkClusterId))];
                var medians = new Dictionary<Guid, TimeSpan?>();
                if (c.MedianFactor is not null)
                {
                    foreach (var jobId in running.Select(r => r.JobId).Distinct())
                    {
                        var done = await runs.Where(r => r.JobId == jobId && r.Status == RunStatus.Finished && r.StartedAt != null && r.EndedAt != null)
                            .OrderByDescending(r => r.EndedAt).Take(20).Select(r => new { r.StartedAt, r.EndedAt }).ToListAsync(ct);
                        medians[jobId] = AlertCondition.Median([.. done.Select(d => d.EndedAt!.Value - d.StartedAt!.Value)]);
                    }
                }

                return [.. running
                    .Where(r => c.IsTooLong(now - r.StartedAt!.Value, medians.GetValueOrDefault(r.JobId)))
                    .Select(r => new Holding(RunSubject(scope, r.JobId, r.Id),
                        $"running for {(int)(now - r.StartedAt!.Value).TotalMinutes} min"
                        + (medians.GetValueOrDefault(r.JobId) is { } m ? $" (median {Math.Round(m.TotalMinutes, 1)} min)" : string.Empty)))];
            }

            case AlertConditionKind.NoSuccessSince:
            {
                var limit = now - TimeSpan.FromHours(c.Hours!.Value);
                var jobs = await runs.GroupBy(r => r.JobId)
                    .Select(g => new
                    {
                        JobId = g.Key,
                        FirstRun = g.Min(r => r.CreatedAt),
                        LastSuccess = g.Where(r => r.Status == RunStatus.Finished).Max(r => r.EndedAt),
                        Cluster = g.Max(r => r.FlinkClusterId),
                    })
                    .ToListAsync(ct);
                return [.. jobs.Where(j => (j.LastSuccess ?? j.FirstRun) <= limit && scope.CoversJob(rule.Scope, j.JobId, j.Cluster))
                    .Select(j => new Holding(AlertSubject.Job(j.JobId, scope.JobName(j.JobId)),
                        j.LastSuccess is { } s ? $"last successful run {AlertTemplates.FormatTime(s)}" : "no successful run yet"))];
            }

            case AlertConditionKind.RestartedTooOften:
            {
                var since = now - TimeSpan.FromMinutes(c.WindowMinutes!.Value);
                var counts = await (from x in changes
                                    where x.To == RunStatus.Restarting && x.At > since
                                    join r in runs on x.RunId equals r.Id
                                    group r by new { r.JobId } into g
                                    select new { g.Key.JobId, Count = g.Count(), Cluster = g.Max(r => r.FlinkClusterId) })
                    .ToListAsync(ct);
                return [.. counts.Where(j => j.Count > c.Count!.Value && scope.CoversJob(rule.Scope, j.JobId, j.Cluster))
                    .Select(j => new Holding(AlertSubject.Job(j.JobId, scope.JobName(j.JobId)), $"{j.Count} restarts in {c.WindowMinutes} min"))];
            }

            case AlertConditionKind.CheckpointFailures:
            {
                var samples = db.Set<FlinkMetricSample>().IgnoreQueryFilters().AsNoTracking().Where(s => s.WorkspaceId == ws);
                var running = await runs.Where(r => r.Status == RunStatus.Running && r.Engine != RunEngine.DatabaseSql)
                    .Select(r => new
                    {
                        r.Id, r.JobId, r.FlinkClusterId,
                        Failed = samples.Where(s => s.RunId == r.Id).OrderByDescending(s => s.Bucket).Select(s => (long?)s.FailedCheckpoints).FirstOrDefault(),
                    })
                    .ToListAsync(ct);
                return [.. running.Where(r => r.Failed >= c.Count!.Value && scope.CoversJob(rule.Scope, r.JobId, r.FlinkClusterId))
                    .Select(r => new Holding(RunSubject(scope, r.JobId, r.Id), $"{r.Failed} failed checkpoints"))];
            }

            case AlertConditionKind.ClusterUnreachable:
            {
                var clusters = await db.Set<FlinkCluster>().IgnoreQueryFilters().AsNoTracking()
                    .Where(x => x.WorkspaceId == ws && x.HealthStatus == FlinkClusterStatus.Unreachable)
                    .Select(x => new { x.Id, x.Name, x.LastError }).ToListAsync(ct);
                return [.. clusters.Where(x => rule.Scope.Kind == AlertScopeKind.AllJobs || rule.Scope.TargetId == x.Id)
                    .Select(x => new Holding(AlertSubject.Cluster(x.Id, x.Name), x.LastError ?? "unreachable"))];
            }

            case AlertConditionKind.ScheduleMissed:
            {
                // A slot written as missed in the last 24 hours and not run since (a backfill or "run this slot" resolves it).
                var since = now - MissedWindow;
                var missed = await (from slot in db.Set<ScheduleSlot>().IgnoreQueryFilters().AsNoTracking()
                                    join schedule in db.Set<Schedule>().IgnoreQueryFilters().AsNoTracking() on slot.ScheduleId equals schedule.Id
                                    where slot.WorkspaceId == ws && slot.State == SlotState.Missed && slot.LogicalTime >= since
                                    group slot by new { schedule.Id, schedule.Name, schedule.JobId } into g
                                    select new { g.Key.Id, g.Key.Name, g.Key.JobId, Count = g.Count(), Latest = g.Max(x => x.LogicalTime) })
                    .ToListAsync(ct);
                return [.. missed.Where(m => scope.CoversJob(rule.Scope, m.JobId, null))
                    .Select(m => new Holding(AlertSubject.Schedule(m.Id, m.Name),
                        m.Count == 1 ? $"missed its slot of {AlertTemplates.FormatTime(m.Latest)}"
                            : $"missed {m.Count} slots, the latest of {AlertTemplates.FormatTime(m.Latest)}"))];
            }

            case AlertConditionKind.QualityFailed:
            {
                // The table's latest finished scan: a failed rule (or a score below the threshold) holds until a later scan passes.
                var tables = db.Set<CatalogTable>().IgnoreQueryFilters().AsNoTracking().Where(t => t.WorkspaceId == ws);
                var watched = rule.Scope.TargetId is { } tableId
                    ? tables.Where(t => t.Id == tableId)
                    : tables.Where(t => (t.SchemaName + "." + t.Name) == rule.Scope.TableName || t.Name == rule.Scope.TableName);
                var latest = await (from t in watched
                                    let scan = db.Set<QualityScan>().IgnoreQueryFilters()
                                        .Where(x => x.TableId == t.Id && x.Status == QualityScanStatus.Succeeded)
                                        .OrderByDescending(x => x.StartedAt).FirstOrDefault()
                                    where scan != null
                                    select new { t.Id, t.SchemaName, t.Name, scan.Failed, scan.Score, scan.StartedAt }).ToListAsync(ct);
                return [.. latest.Where(x => c.ScoreBelow is { } below ? x.Score < below : x.Failed > 0)
                    .Select(x => new Holding(AlertSubject.Table(x.Id, $"{x.SchemaName}.{x.Name}"),
                        c.ScoreBelow is { } below
                            ? $"quality score {x.Score:0.#} below {below:0.#} (scan of {AlertTemplates.FormatTime(x.StartedAt)})"
                            : $"{x.Failed} quality rule(s) failed (scan of {AlertTemplates.FormatTime(x.StartedAt)})"))];
            }

            default:
                return [];
        }
    }

    private static AlertSubject RunSubject(ScopeIndex scope, Guid jobId, Guid runId) =>
        AlertSubject.Run(runId, $"{scope.JobName(jobId)} · {runId.ToString()[..8]}");
}
