using System.Data;
using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AllData.Infrastructure.Flink.Tracking;

/// <summary>A run the tracker follows: the few fields a tick needs.</summary>
internal sealed record TrackedRun(Guid RunId, Guid WorkspaceId, Guid JobId, FlinkJobId FlinkJobId, RunStatus Status);

/// <summary>
/// Tracks every run of one cluster. Each tick makes exactly one <c>GET /jobs/overview</c> covering every job, diffs it
/// against the runs, and reads details only for jobs whose state changed: exceptions of failed jobs, checkpoints of changed
/// jobs (and of running jobs every <see cref="FlinkTrackerOptions.CheckpointInterval"/>), a direct look-up of a job missing
/// from the overview. A cluster that does not answer turns the runs Unknown, never Failed; the next answer reconciles them.
/// Holds a PostgreSQL advisory lock for the cluster on its own connection so two app instances never track one cluster.
/// </summary>
internal sealed class ClusterTracker(
    FlinkClusterTarget target,
    IDbContextFactory<AllDataDbContext> factory,
    AdvisoryLocks locks,
    FlinkClusterConnections connections,
    RunRecorder recorder,
    TimeProvider clock,
    FlinkTrackerOptions options,
    ILogger logger) : IAsyncDisposable
{
    public const string VanishedReason = "The job vanished from the cluster.";

    private readonly FlinkJobManagerClient _client = connections.JobManager(target);
    private readonly Dictionary<FlinkJobId, FlinkJobState> _lastState = [];
    private readonly Dictionary<FlinkJobId, DateTimeOffset> _checkpointsReadAt = [];
    private readonly AdvisoryLock _lock = locks.Create(AdvisoryLock.KeyOf(target.Id), "Flink tracker");

    public FlinkClusterTarget Target => target;

    public bool HoldsLock => _lock.IsHeld;

    /// <summary>Jobs on the cluster that no tracked run owns, as of the last tick (external jobs).</summary>
    public IReadOnlyList<FlinkJobSummary> ExternalJobs { get; private set; } = [];

    /// <summary>Whether the cluster answered the last tick.</summary>
    public bool? LastTickAnswered { get; private set; }

    /// <summary>The advisory-lock key of a cluster's tracking.</summary>
    public static long LockKey(Guid clusterId) => AdvisoryLock.KeyOf(clusterId);

    /// <summary>
    /// Takes (or confirms) the cluster's tracking lock; false when another instance holds it. Called before every tick.
    /// </summary>
    public Task<bool> TryAcquireLockAsync(CancellationToken ct) => _lock.TryAcquireAsync(ct);

    /// <summary>Tracks until canceled: takes the lock (retrying while another instance holds it), then ticks.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Interval, clock);
        do
        {
            try
            {
                if (!await TryAcquireLockAsync(ct))
                {
                    continue;
                }

                await TickAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "A tick of the tracker of Flink cluster {ClusterId} failed", target.Id);
                if (e is NpgsqlException)
                {
                    await ReleaseLockAsync();
                }
            }
        }
        while (await timer.WaitForNextTickAsync(ct));
    }

    /// <summary>One tick: one overview call, then only what changed.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var runs = await LoadRunsAsync(ct);
        IReadOnlyList<FlinkJobSummary> overview;
        try
        {
            overview = await _client.GetJobsOverviewAsync(ct);
        }
        catch (FlinkClientException e) when (IsClusterSilent(e))
        {
            LastTickAnswered = false;
            await MarkUnknownAsync(runs, $"The cluster did not answer: {e.Message}", ct);
            return;
        }

        LastTickAnswered = true;
        var byId = overview.ToDictionary(j => j.Id);
        var tracked = runs.Select(r => r.FlinkJobId).ToHashSet();
        ExternalJobs = [.. overview.Where(j => !tracked.Contains(j.Id))];
        foreach (var run in runs)
        {
            try
            {
                if (byId.TryGetValue(run.FlinkJobId, out var job))
                {
                    await ReconcileAsync(run, job.State, ct);
                }
                else
                {
                    await LookUpMissingAsync(run, ct);
                }
            }
            catch (FlinkClientException e) when (IsClusterSilent(e))
            {
                await MarkUnknownAsync([run], $"The cluster did not answer: {e.Message}", ct);
            }
        }

        foreach (var gone in _lastState.Keys.Where(id => !tracked.Contains(id)).ToList())
        {
            _lastState.Remove(gone);
            _checkpointsReadAt.Remove(gone);
        }
    }

    public async ValueTask DisposeAsync() => await ReleaseLockAsync();

    private static bool IsClusterSilent(FlinkClientException e) =>
        e is FlinkUnreachableException or FlinkProtocolException || e is FlinkRestException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError };

    private async Task<List<TrackedRun>> LoadRunsAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.FlinkClusterId == target.Id && r.FlinkJobId != null && r.Status != RunStatus.Finished
                        && r.Status != RunStatus.Failed && r.Status != RunStatus.Canceled)
            .Select(r => new { r.Id, r.WorkspaceId, r.JobId, r.FlinkJobId, r.Status })
            .ToListAsync(ct);
        return [.. rows.Where(r => Domain.Flink.FlinkJobId.TryParse(r.FlinkJobId, out _))
            .Select(r => new TrackedRun(r.Id, r.WorkspaceId, r.JobId, Domain.Flink.FlinkJobId.Parse(r.FlinkJobId!), r.Status))];
    }

    private async Task LookUpMissingAsync(TrackedRun run, CancellationToken ct)
    {
        var details = await _client.FindJobAsync(run.FlinkJobId, ct);
        if (details is not null)
        {
            await ReconcileAsync(run, details.State, ct);
            return;
        }

        logger.LogWarning("Flink job {FlinkJobId} of run {RunId} vanished from cluster {ClusterId}", run.FlinkJobId, run.RunId, target.Id);
        await MoveAsync(run, RunStatus.Failed, VanishedReason, ct);
    }

    private async Task ReconcileAsync(TrackedRun run, FlinkJobState state, CancellationToken ct)
    {
        var changed = !_lastState.TryGetValue(run.FlinkJobId, out var last) || last != state;
        _lastState[run.FlinkJobId] = state;
        var now = clock.GetUtcNow();
        if (changed || (state == FlinkJobState.Running && now - _checkpointsReadAt.GetValueOrDefault(run.FlinkJobId) >= options.CheckpointInterval))
        {
            _checkpointsReadAt[run.FlinkJobId] = now;
            await RecordSnapshotsAsync(run, ct);
        }

        var status = state.ToRunStatus();
        if (status == run.Status)
        {
            return;
        }

        string? reason = state switch
        {
            FlinkJobState.Failed => await RootCauseAsync(run.FlinkJobId, ct) ?? "Flink reports the job FAILED.",
            FlinkJobState.Suspended => "The JobManager lost leadership (SUSPENDED); the job may be recovered by another one.",
            FlinkJobState.Failing or FlinkJobState.Restarting => await RootCauseAsync(run.FlinkJobId, ct) is { } cause ? $"Restarting after: {cause}" : "Flink is restarting the job.",
            _ => $"Flink reports {state.ToWireName()}.",
        };
        await MoveAsync(run, status, reason, ct);
    }

    private async Task<string?> RootCauseAsync(FlinkJobId jobId, CancellationToken ct)
    {
        var exceptions = await _client.GetJobExceptionsAsync(jobId, 1, ct);
        if (exceptions.Entries is not [var first, ..])
        {
            return null;
        }

        var line = first.StackTrace?.Split('\n', 2, StringSplitOptions.TrimEntries)[0];
        return string.IsNullOrWhiteSpace(line) ? first.ExceptionName : line;
    }

    private async Task RecordSnapshotsAsync(TrackedRun run, CancellationToken ct)
    {
        FlinkCheckpointStats stats;
        try
        {
            stats = await _client.GetCheckpointsAsync(run.FlinkJobId, ct);
        }
        catch (FlinkRestException e) when (e.IsNotFound)
        {
            return;
        }

        var completed = stats.History.Where(c => c.Status == "COMPLETED" && c.ExternalPath is not null)
            .Concat(new[] { stats.LatestCompleted, stats.LatestSavepoint }.OfType<FlinkCheckpoint>().Where(c => c.ExternalPath is not null))
            .DistinctBy(c => c.ExternalPath).ToList();
        if (completed.Count == 0)
        {
            return;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var flinkJobId = run.FlinkJobId.Value;
        var paths = completed.Select(c => c.ExternalPath!).ToList();
        var known = await db.Set<FlinkSnapshot>().IgnoreQueryFilters().Where(s => s.FlinkJobId == flinkJobId && paths.Contains(s.Path))
            .Select(s => s.Path).ToListAsync(ct);
        foreach (var c in completed.Where(c => !known.Contains(c.ExternalPath!)))
        {
            db.Add(new FlinkSnapshot(run.WorkspaceId, run.JobId, run.RunId, flinkJobId,
                c.IsSavepoint ? FlinkSnapshotKind.Savepoint : FlinkSnapshotKind.Checkpoint, c.Id, c.ExternalPath!, c.StateSize,
                c.LatestAckAt ?? c.TriggeredAt ?? clock.GetUtcNow()));
        }

        await db.SaveChangesAsync(ct);
    }

    private async Task MarkUnknownAsync(IEnumerable<TrackedRun> runs, string reason, CancellationToken ct)
    {
        foreach (var run in runs.Where(r => r.Status != RunStatus.Unknown))
        {
            await MoveAsync(run, RunStatus.Unknown, reason, ct);
        }
    }

    /// <summary>Moves a run to <paramref name="to"/>, through Running when the state machine needs the step (Submitting → Finished).</summary>
    private async Task MoveAsync(TrackedRun run, RunStatus to, string reason, CancellationToken ct)
    {
        try
        {
            await recorder.TransitionAsync(run.RunId, (r, at) =>
            {
                if (r.Status == to || r.IsFinal)
                {
                    return;
                }

                if (!JobRun.CanMove(r.Status, to))
                {
                    if (to != RunStatus.Running && JobRun.CanMove(r.Status, RunStatus.Running) && JobRun.CanMove(RunStatus.Running, to))
                    {
                        r.MarkRunning(at);
                    }
                    else
                    {
                        return;
                    }
                }

                Apply(r, to, at, reason);
            }, ct);
        }
        catch (DomainException e)
        {
            logger.LogInformation("Run {RunId} could not become {Status}: {Reason}", run.RunId, to, e.Message);
        }
    }

    private static void Apply(JobRun run, RunStatus to, DateTimeOffset at, string reason)
    {
        switch (to)
        {
            case RunStatus.Submitting:
                run.MarkSubmitting(at);
                break;
            case RunStatus.Running:
                run.MarkRunning(at);
                break;
            case RunStatus.Restarting:
                run.MarkRestarting(at, reason);
                break;
            case RunStatus.Canceling:
                run.RequestCancel(at, reason);
                break;
            case RunStatus.Unknown:
                run.MarkUnknown(at, reason);
                break;
            case RunStatus.Finished:
                run.MarkFinished(at);
                break;
            case RunStatus.Failed:
                run.MarkFailed(at, reason);
                break;
            case RunStatus.Canceled:
                run.MarkCanceled(at, reason);
                break;
        }
    }

    private Task ReleaseLockAsync() => _lock.ReleaseAsync();
}
