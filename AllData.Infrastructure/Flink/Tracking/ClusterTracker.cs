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

/// <summary>A run the tracker follows: the few fields a tick needs (the latest reason, to record a changed one once).</summary>
internal sealed record TrackedRun(Guid RunId, Guid WorkspaceId, Guid JobId, FlinkJobId FlinkJobId, RunStatus Status, string? LastReason = null);

/// <summary>
/// Tracks every run of one cluster. Each tick makes exactly one <c>GET /jobs/overview</c> covering every job (one attempt:
/// no retries inside a tick, no catch-up ticks after a long one), diffs it against the runs, and reads details only for jobs
/// whose state changed: exceptions of failed jobs, checkpoints of changed jobs (and of running jobs every
/// <see cref="FlinkTrackerOptions.CheckpointInterval"/>), a direct look-up of a job missing from the overview, then the
/// History Server when the JobManager no longer knows it. AllData never claims what it does not know: a cluster that does not
/// answer, answers an error or something unreadable, a state AllData does not know (for that job only) and a job the cluster
/// forgot all make the run Unknown with the reason, never Failed or Finished; the next answer reconciles them.
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
    /// <summary>The reason of a run whose job the JobManager answers 404 for and no History Server knows.</summary>
    public const string ForgottenReason =
        "The cluster no longer knows this job: Flink's job store dropped it (jobstore.expiration-time, 1 h by default) or the JobManager "
        + "restarted without high availability. AllData cannot tell how it ended.";

    public const string NoAnswerPrefix = "The cluster did not answer: ";
    public const string ErrorAnswerPrefix = "The cluster answered with an error: ";
    public const string UnreadablePrefix = "The cluster answered something AllData cannot read: ";

    private readonly FlinkJobManagerClient _client = connections.TrackerJobManager(target);
    private readonly FlinkJobManagerClient? _history = connections.TrackerHistoryServer(target);
    private readonly Dictionary<FlinkJobId, FlinkJobState> _lastState = [];
    private readonly Dictionary<FlinkJobId, DateTimeOffset> _checkpointsReadAt = [];
    private readonly Dictionary<FlinkJobId, DateTimeOffset> _forgottenCheckedAt = [];
    private readonly AdvisoryLock _lock = locks.Create(AdvisoryLock.KeyOf(target.Id), "Flink tracker");

    public FlinkClusterTarget Target => target;

    public bool HoldsLock => _lock.IsHeld;

    /// <summary>Jobs on the cluster that no tracked run owns, as of the last tick (external jobs).</summary>
    public IReadOnlyList<FlinkJobSummary> ExternalJobs { get; private set; } = [];

    /// <summary>Whether the cluster answered the last tick.</summary>
    public bool? LastTickAnswered { get; private set; }

    /// <summary>Ticks <see cref="RunAsync"/> has completed (or failed).</summary>
    public int CompletedTicks { get; private set; }

    /// <summary>The reason of a run whose job the History Server does not know either (or could not be asked).</summary>
    public static string ForgottenReasonWith(string? historyServer) => historyServer is null
        ? ForgottenReason + " Configure the cluster's History Server so AllData can look the job up there."
        : $"{ForgottenReason} The History Server {historyServer}";

    /// <summary>The reason of a job whose state string AllData does not know (a newer Flink's state, or garbage).</summary>
    public static string UnknownStateReason(string rawState) =>
        $"{UnreadablePrefix}Flink reports the job in state '{(rawState.Length > 100 ? rawState[..100] : rawState)}', which AllData does not know.";

    /// <summary>
    /// How long to wait after a tick that started <paramref name="sinceTickStart"/> ago: until the next slot of the interval.
    /// A tick longer than the interval skips the slots it overran (no catch-up burst), so there is at most one tick per slot.
    /// </summary>
    public static TimeSpan DelayUntilNextTick(TimeSpan sinceTickStart, TimeSpan interval)
    {
        if (sinceTickStart < TimeSpan.Zero)
        {
            return interval;
        }

        return interval - TimeSpan.FromTicks(sinceTickStart.Ticks % interval.Ticks);
    }

    /// <summary>The advisory-lock key of a cluster's tracking.</summary>
    public static long LockKey(Guid clusterId) => AdvisoryLock.KeyOf(clusterId);

    /// <summary>
    /// Takes (or confirms) the cluster's tracking lock; false when another instance holds it. Called before every tick.
    /// </summary>
    public Task<bool> TryAcquireLockAsync(CancellationToken ct) => _lock.TryAcquireAsync(ct);

    /// <summary>
    /// Tracks until canceled: takes the lock (retrying while another instance holds it), then ticks, one tick per
    /// <see cref="FlinkTrackerOptions.Interval"/> slot; a tick that overran its slot is followed by the next free slot, not
    /// by the ticks it missed.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var started = clock.GetUtcNow();
            try
            {
                if (await TryAcquireLockAsync(ct))
                {
                    await TickAsync(ct);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "A tick of the tracker of Flink cluster {ClusterId} failed", target.Id);
                if (e is NpgsqlException)
                {
                    await ReleaseLockAsync();
                }
            }

            CompletedTicks++;
            await Task.Delay(DelayUntilNextTick(clock.GetUtcNow() - started, options.Interval), clock, ct);
        }
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
        catch (FlinkClientException e)
        {
            LastTickAnswered = false;
            await MarkUnknownAsync(runs, Describe(e), ct);
            return;
        }

        LastTickAnswered = true;
        var byId = overview.DistinctBy(j => j.Id).ToDictionary(j => j.Id);
        var tracked = runs.Select(r => r.FlinkJobId).ToHashSet();
        ExternalJobs = [.. overview.Where(j => !tracked.Contains(j.Id))];
        foreach (var run in runs)
        {
            try
            {
                if (byId.TryGetValue(run.FlinkJobId, out var job))
                {
                    _forgottenCheckedAt.Remove(run.FlinkJobId);
                    await ReconcileAsync(run, job.State, job.RawState, _client, ct);
                }
                else
                {
                    await LookUpMissingAsync(run, ct);
                }
            }
            catch (FlinkClientException e)
            {
                await MarkUnknownAsync([run], Describe(e), ct);
            }
        }

        foreach (var gone in _lastState.Keys.Concat(_forgottenCheckedAt.Keys).Where(id => !tracked.Contains(id)).ToList())
        {
            _lastState.Remove(gone);
            _checkpointsReadAt.Remove(gone);
            _forgottenCheckedAt.Remove(gone);
        }
    }

    public async ValueTask DisposeAsync() => await ReleaseLockAsync();

    private const string SuspendedReason = "The JobManager lost leadership (SUSPENDED); the job may be recovered by another one.";

    /// <summary>The Unknown reason of a failed call: no answer, an error answer, or an answer AllData cannot read.</summary>
    private static string Describe(FlinkClientException e) => e switch
    {
        FlinkUnreachableException => NoAnswerPrefix + e.Message,
        FlinkRestException => ErrorAnswerPrefix + e.Message,
        _ => UnreadablePrefix + e.Message,
    };

    private async Task<List<TrackedRun>> LoadRunsAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.FlinkClusterId == target.Id && r.FlinkJobId != null && r.Status != RunStatus.Finished
                        && r.Status != RunStatus.Failed && r.Status != RunStatus.Canceled)
            .Select(r => new
            {
                r.Id, r.WorkspaceId, r.JobId, r.FlinkJobId, r.Status,
                LastReason = r.Status == RunStatus.Unknown
                    ? r.History.OrderByDescending(h => h.At).ThenByDescending(h => h.Id).Select(h => h.Reason).FirstOrDefault()
                    : null,
            })
            .ToListAsync(ct);
        return [.. rows.Where(r => Domain.Flink.FlinkJobId.TryParse(r.FlinkJobId, out _))
            .Select(r => new TrackedRun(r.Id, r.WorkspaceId, r.JobId, Domain.Flink.FlinkJobId.Parse(r.FlinkJobId!), r.Status, r.LastReason))];
    }

    /// <summary>
    /// A job missing from the overview: asked directly, then (on 404) the History Server. A job nobody knows any more is
    /// Unknown with the reason, looked up again every <see cref="FlinkTrackerOptions.ForgottenJobRecheckInterval"/>.
    /// </summary>
    private async Task LookUpMissingAsync(TrackedRun run, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_forgottenCheckedAt.TryGetValue(run.FlinkJobId, out var checkedAt) && now - checkedAt < options.ForgottenJobRecheckInterval)
        {
            return;
        }

        var details = await _client.FindJobAsync(run.FlinkJobId, ct);
        if (details is not null)
        {
            _forgottenCheckedAt.Remove(run.FlinkJobId);
            await ReconcileAsync(run, details.State, details.RawState, _client, ct);
            return;
        }

        string? historyProblem = null;
        if (_history is not null)
        {
            try
            {
                var archived = await _history.FindJobAsync(run.FlinkJobId, ct);
                if (archived is { State: { } state } && state.IsGloballyTerminal())
                {
                    logger.LogInformation("Flink job {FlinkJobId} of run {RunId} is gone from cluster {ClusterId}; the History Server reports {State}",
                        run.FlinkJobId, run.RunId, target.Id, state);
                    _forgottenCheckedAt.Remove(run.FlinkJobId);
                    await recorder.AppendLogAsync(run.WorkspaceId, run.RunId, RunLogLevel.Info,
                        $"The JobManager no longer knows Flink job {run.FlinkJobId}; the History Server reports it {archived.RawState}.", ct);
                    await ReconcileAsync(run, state, archived.RawState, _history, ct, " (from the History Server)");
                    return;
                }

                historyProblem = archived is null ? "has no archive of it either." : $"reports it {archived.RawState}, which is not an end.";
            }
            catch (FlinkClientException e)
            {
                historyProblem = $"could not be asked: {e.Message}";
            }
        }

        logger.LogWarning("Flink job {FlinkJobId} of run {RunId} is no longer known to cluster {ClusterId}", run.FlinkJobId, run.RunId, target.Id);
        _forgottenCheckedAt[run.FlinkJobId] = now;
        await MarkUnknownAsync([run], ForgottenReasonWith(historyProblem is null ? null : $"{target.HistoryServer} {historyProblem}"), ct);
    }

    /// <summary>Records what Flink reports for a job; a state AllData does not know makes this run (only) Unknown.</summary>
    private async Task ReconcileAsync(TrackedRun run, FlinkJobState? reported, string rawState, FlinkJobManagerClient source, CancellationToken ct,
        string? origin = null)
    {
        if (reported is not { } state)
        {
            _lastState.Remove(run.FlinkJobId);
            await MarkUnknownAsync([run], UnknownStateReason(rawState), ct);
            return;
        }

        var changed = !_lastState.TryGetValue(run.FlinkJobId, out var last) || last != state;
        _lastState[run.FlinkJobId] = state;
        var now = clock.GetUtcNow();
        if (changed || (state == FlinkJobState.Running && now - _checkpointsReadAt.GetValueOrDefault(run.FlinkJobId) >= options.CheckpointInterval))
        {
            _checkpointsReadAt[run.FlinkJobId] = now;
            await RecordSnapshotsAsync(run, source, ct);
        }

        var status = state.ToRunStatus();
        if (status == run.Status)
        {
            if (status == RunStatus.Unknown && state == FlinkJobState.Suspended && run.LastReason != SuspendedReason)
            {
                await MarkUnknownAsync([run], SuspendedReason, ct);
            }

            return;
        }

        string? reason = state switch
        {
            FlinkJobState.Failed => await RootCauseAsync(run.FlinkJobId, source, ct) ?? "Flink reports the job FAILED.",
            FlinkJobState.Suspended => SuspendedReason,
            FlinkJobState.Failing or FlinkJobState.Restarting => await RootCauseAsync(run.FlinkJobId, source, ct) is { } cause ? $"Restarting after: {cause}" : "Flink is restarting the job.",
            _ => $"Flink reports {state.ToWireName()}.",
        };
        await MoveAsync(run, status, origin is null ? reason : reason + origin, ct);
    }

    /// <summary>The root cause of a job's latest exception; null when there is none or it cannot be read (the state is still recorded).</summary>
    private async Task<string?> RootCauseAsync(FlinkJobId jobId, FlinkJobManagerClient source, CancellationToken ct)
    {
        FlinkJobExceptions exceptions;
        try
        {
            exceptions = await source.GetJobExceptionsAsync(jobId, 1, ct);
        }
        catch (FlinkClientException e)
        {
            logger.LogInformation("Could not read the exceptions of Flink job {FlinkJobId}: {Error}", jobId, e.Message);
            return null;
        }

        if (exceptions.Entries is not [var first, ..])
        {
            return null;
        }

        var line = first.StackTrace?.Split('\n', 2, StringSplitOptions.TrimEntries)[0];
        return string.IsNullOrWhiteSpace(line) ? first.ExceptionName : line;
    }

    /// <summary>Keeps the job's completed checkpoints and savepoints; a failed read is logged and retried later, never moves the run.</summary>
    private async Task RecordSnapshotsAsync(TrackedRun run, FlinkJobManagerClient source, CancellationToken ct)
    {
        FlinkCheckpointStats stats;
        try
        {
            stats = await source.GetCheckpointsAsync(run.FlinkJobId, ct);
        }
        catch (FlinkClientException e)
        {
            if (e is not FlinkRestException { IsNotFound: true })
            {
                logger.LogInformation("Could not read the checkpoints of Flink job {FlinkJobId}: {Error}", run.FlinkJobId, e.Message);
                _checkpointsReadAt.Remove(run.FlinkJobId);
            }

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

    /// <summary>Makes runs Unknown with the reason; a run already Unknown for another reason gets the new reason recorded once.</summary>
    private async Task MarkUnknownAsync(IEnumerable<TrackedRun> runs, string reason, CancellationToken ct)
    {
        foreach (var run in runs)
        {
            if (run.Status != RunStatus.Unknown)
            {
                await MoveAsync(run, RunStatus.Unknown, reason, ct);
            }
            else if (run.LastReason != reason)
            {
                await ExplainUnknownAsync(run, reason, ct);
            }
        }
    }

    private async Task ExplainUnknownAsync(TrackedRun run, string reason, CancellationToken ct)
    {
        try
        {
            await recorder.TransitionAsync(run.RunId, (r, at) =>
            {
                if (r.Status == RunStatus.Unknown)
                {
                    r.ExplainUnknown(at, reason);
                }
            }, ct);
        }
        catch (DomainException e)
        {
            logger.LogInformation("Run {RunId} kept its reason: {Reason}", run.RunId, e.Message);
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
