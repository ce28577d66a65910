using System.Collections.Concurrent;
using AllData.Domain.Common;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Domain.Studio;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Operations;

/// <summary>Why a run failed before anything executed: the script could not be prepared. Positions point into the text run.</summary>
public sealed record RunPreparationError(string Message, SqlPosition? Position, int? Offset, string? VariableName);

/// <summary>A run that was created; <see cref="PreparationError"/> is set when it failed before executing anything.</summary>
public sealed record RunStarted(Guid RunId, RunPreparationError? PreparationError);

/// <summary>What to start: the orchestrator's input, filled by <see cref="RunCommands"/> after its access checks.</summary>
internal sealed record RunStart(Guid WorkspaceId, string? StartedBy, StartRunRequest Request);

/// <summary>
/// Starts and stops runs for every trigger (studio, schedules, API, auto-restart). It creates the <see cref="JobRun"/>
/// already claimed by this instance (<see cref="RunInstance"/>), prepares the script (an undefined variable or
/// unterminated literal fails the run before anything executes), picks the <see cref="IJobEngine"/> by job type, runs
/// it on a background task (never on a circuit), and records the outcome. Works for no user: callers go through
/// <see cref="RunCommands"/>, which checks access first.
/// </summary>
internal sealed class RunOrchestrator(
    IDbContextFactory<AllDataDbContext> factory,
    RunRecorder recorder,
    ScriptPreparation preparation,
    IEnumerable<IJobEngine> engines,
    RunInstance instance,
    IOptions<RunOwnershipOptions> ownership,
    TimeProvider clock,
    ILogger<RunOrchestrator> logger)
{
    private readonly ConcurrentDictionary<Guid, LiveRun> _live = new();
    private readonly Dictionary<RunEngine, IJobEngine> _engines = engines.ToDictionary(e => e.Engine);

    /// <summary>Runs executing in this process.</summary>
    public IReadOnlyCollection<Guid> LiveRunIds => [.. _live.Keys];

    /// <summary>Engines whose work lives only in the owning process (their runs end with their owner).</summary>
    public IReadOnlyList<RunEngine> InProcessEngines => [.. _engines.Values.Where(e => !e.TrackedAfterRestart).Select(e => e.Engine)];

    public bool IsLive(Guid runId) => _live.ContainsKey(runId);

    public async Task<RunStarted> StartAsync(RunStart start, CancellationToken ct = default)
    {
        var (workspaceId, startedBy, request) = start;
        Job job;
        JobVersion? version = null;
        ResolvedVariables resolved;
        SqlDialect dialect;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.WorkspaceId = workspaceId;
            job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == request.JobId, ct)
                  ?? throw new DomainException("That job no longer exists.");
            if (request.VersionId is { } vid)
            {
                version = await db.Set<JobVersion>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == vid && v.JobId == job.Id, ct)
                          ?? throw new DomainException("That version does not exist.");
            }
            else if (request.LatestPublished)
            {
                version = await db.Set<JobVersion>().AsNoTracking().Where(v => v.JobId == job.Id).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct)
                          ?? throw new DomainException("The job has no published version yet: publish it first.");
            }

            dialect = await JobDialect.ResolveAsync(db, job, version?.SettingsJson ?? job.SettingsSnapshot(), ct);
            // ${logical_date} and friends always resolve: a schedule passes its slot's values, a manual run uses "now" (UTC).
            var logical = new Dictionary<string, string>(LogicalTimeVariables.For(request.LogicalTime ?? clock.GetUtcNow(), null, null, TimeZoneInfo.Utc),
                StringComparer.Ordinal);
            foreach (var (name, value) in request.Parameters ?? new Dictionary<string, string>())
            {
                logical[name] = value;
            }

            resolved = await preparation.ResolveAsync(db, version?.Variables ?? job.Variables, logical, ct);
        }

        if (!_engines.TryGetValue(job.Type.Engine(), out var engine))
        {
            throw new DomainException($"Running {job.Type} jobs is not available in this installation.");
        }

        var now = clock.GetUtcNow();
        var created = new JobRun(workspaceId, job.Id, version?.Id, request.Trigger, startedBy, engine.Engine, now);
        created.SetStartOptions(request.LogicalTime ?? now, engine.Engine == RunEngine.DatabaseSql ? null : request.RestorePath, request.Parameters,
            request.ScheduleId);
        created.Claim(instance.Id, now + ownership.Value.Lease);
        var run = await recorder.CreateAsync(created, ct);
        var reporter = new RunReporter(recorder, workspaceId, run.Id, resolved.SecretValues);
        var text = version?.SqlText ?? job.DraftSql;
        var settingsJson = version?.SettingsJson ?? job.SettingsSnapshot();
        RunContext context;
        try
        {
            var range = request.Range;
            var prepared = ScriptPreparation.Prepare(text, dialect, resolved, s => ScriptPreparation.InRange(s, range?.Start, range?.End));
            if (prepared.Picked.Count == 0)
            {
                return await FailBeforeStartAsync(reporter, new RunPreparationError("There is no statement to run.", null, null, null), ct);
            }

            context = new RunContext(run.Id, workspaceId, job, version?.Id, request.Trigger, startedBy, prepared.Script, prepared.Statements,
                resolved.Values, JobSettingsSnapshot.FromJson(settingsJson), settingsJson, resolved.SecretValues)
            {
                RestorePath = run.RestorePath,
                LogicalTime = run.LogicalTime,
            };
        }
        catch (SqlScriptException e)
        {
            return await FailBeforeStartAsync(reporter, new RunPreparationError(e.Message, e.Position, e.Offset, e.VariableName), ct);
        }

        await reporter.LogAsync(RunLogLevel.Info, $"{context.Statements.Count} statement(s) to run on {engine.Engine}.", ct);
        await reporter.TransitionAsync((r, at) => r.MarkSubmitting(at), ct);

        var stop = new CancellationTokenSource();
        var live = new LiveRun(workspaceId, stop);
        _live[run.Id] = live;
        live.Task = Task.Run(() => ExecuteAsync(engine, context, reporter, live), CancellationToken.None);
        return new RunStarted(run.Id, null);
    }

    /// <summary>
    /// Stops a run. The request is stored on the run first, so whichever instance executes it stops it (this one at
    /// once, another within its cancel poll). A Flink job the tracker owns is canceled on its cluster. A run nobody
    /// holds any more (its instance stopped, or it was never claimed) is marked Canceled, saying so. A final run is left
    /// as it is.
    /// </summary>
    public async Task CancelAsync(Guid runId, string? by, CancellationToken ct = default)
    {
        var run = await recorder.FindAsync(runId, ct) ?? throw new DomainException("That run does not exist.");
        if (run.IsFinal)
        {
            return;
        }

        var reason = by is null ? "Stop requested" : $"Stop requested by {by}";
        await TryTransitionAsync(runId, (r, at) =>
        {
            r.RecordCancelRequest(at, by);
            if (r.Status != RunStatus.Canceling && JobRun.CanMove(r.Status, RunStatus.Canceling))
            {
                r.RequestCancel(at, reason);
            }
        }, ct);

        if (await StopLocalAsync(runId, by, ct))
        {
            return;
        }

        var now = clock.GetUtcNow();
        if (run.FlinkJobId is null && run.IsOwnedAt(now))
        {
            // Another instance executes it and sees the stored request within its cancel poll.
            return;
        }

        var reporter = new RunReporter(recorder, run.WorkspaceId, runId, []);
        if (_engines.TryGetValue(run.Engine, out var engine) && engine.TrackedAfterRestart && run.FlinkJobId is not null &&
            await engine.CancelAsync(run, reporter, ct))
        {
            return;
        }

        var why = run.OwnerInstanceId is null ? $"{reason}; it was not executing any more" : $"{reason}; {RunOwnershipService.LostCanceledReason}";
        await TryTransitionAsync(runId, (r, at) =>
        {
            if (!r.IsFinal && (r.FlinkJobId is not null || !r.IsOwnedAt(at)))
            {
                r.MarkCanceled(at, why);
            }
        }, ct);
    }

    /// <summary>Stops the run if it executes in this process; false when it does not.</summary>
    public async Task<bool> StopLocalAsync(Guid runId, string? by, CancellationToken ct)
    {
        if (!_live.TryGetValue(runId, out var live))
        {
            return false;
        }

        if (!live.StopRequested)
        {
            live.StopRequested = true;
            logger.LogInformation("Stopping run {RunId} (asked by {By})", runId, by ?? "the system");
            await live.Stop.CancelAsync();
        }

        return true;
    }

    /// <summary>
    /// Ends a run whose owner's lease expired before <paramref name="expiredBefore"/>: Canceled when a stop had been
    /// asked for, else Failed as lost. Checked again on the fresh row, so a renewed lease or an ended run is left alone.
    /// </summary>
    public async Task<bool> EndLostAsync(Guid runId, DateTimeOffset expiredBefore, CancellationToken ct)
    {
        var ended = false;
        await TryTransitionAsync(runId, (r, at) =>
        {
            var stillLost = !r.IsFinal && r.FlinkJobId is null && (r.LeaseExpiresAt is null || r.LeaseExpiresAt < expiredBefore);
            if (!stillLost)
            {
                return;
            }

            if (r.CancelRequestedAt is not null)
            {
                r.MarkCanceled(at, RunOwnershipService.LostCanceledReason);
            }
            else
            {
                r.MarkFailed(at, RunOwnershipService.LostReason);
            }

            ended = true;
        }, ct);
        return ended;
    }

    /// <summary>Completes when the run executing here has ended (at once when it is not executing here).</summary>
    public Task WhenEndedAsync(Guid runId) => _live.TryGetValue(runId, out var live) ? live.Task ?? Task.CompletedTask : Task.CompletedTask;

    private async Task<RunStarted> FailBeforeStartAsync(RunReporter reporter, RunPreparationError error, CancellationToken ct)
    {
        await reporter.LogAsync(RunLogLevel.Error, error.Message, ct);
        await reporter.TransitionAsync((r, at) => r.MarkFailed(at, error.Message), ct);
        recorder.Forget(reporter.RunId);
        return new RunStarted(reporter.RunId, error);
    }

    private async Task ExecuteAsync(IJobEngine engine, RunContext context, RunReporter reporter, LiveRun live)
    {
        using var timeout = context.Timeout is { } limit ? new CancellationTokenSource(limit, clock) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(live.Stop.Token, timeout.Token);
        try
        {
            EngineOutcome outcome;
            try
            {
                outcome = await engine.ExecuteAsync(context, reporter, linked.Token);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                outcome = live.StopRequested ? EngineOutcome.Canceled() : EngineOutcome.TimedOut();
            }

            if (outcome.Kind == EngineOutcomeKind.Canceled && !live.StopRequested && timeout.IsCancellationRequested)
            {
                outcome = EngineOutcome.TimedOut(outcome.Summary);
            }

            await RecordAsync(context, reporter, outcome);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Run {RunId} failed in its engine", context.RunId);
            await reporter.LogAsync(RunLogLevel.Error, $"The run failed: {e.Message}", CancellationToken.None);
            await TryTransitionAsync(context.RunId, (r, at) => r.MarkFailed(at, reporter.Mask(e.Message)), CancellationToken.None);
        }
        finally
        {
            _live.TryRemove(context.RunId, out _);
            live.Stop.Dispose();
            recorder.Forget(context.RunId);
        }
    }

    private async Task RecordAsync(RunContext context, RunReporter reporter, EngineOutcome outcome)
    {
        var summary = outcome.Summary is null ? null : reporter.Mask(outcome.Summary);
        Action<JobRun, DateTimeOffset>? change = outcome.Kind switch
        {
            EngineOutcomeKind.Finished => (r, at) => r.MarkFinished(at, summary),
            EngineOutcomeKind.Failed => (r, at) =>
            {
                r.SetResultSummary(summary);
                r.MarkFailed(at, reporter.Mask(outcome.Error ?? "The run failed."));
            },
            EngineOutcomeKind.Canceled => (r, at) =>
            {
                r.SetResultSummary(summary);
                r.MarkCanceled(at, "Stopped");
            },
            EngineOutcomeKind.TimedOut => (r, at) =>
            {
                r.SetResultSummary(summary);
                r.MarkFailed(at, $"Timed out after {context.Timeout?.TotalSeconds:0.#} s; the running statement was canceled.");
            },
            EngineOutcomeKind.HandedOver => (r, _) => r.Release(),
            _ => null,
        };

        if (outcome.Kind == EngineOutcomeKind.TimedOut)
        {
            await reporter.LogAsync(RunLogLevel.Error, $"Timed out after {context.Timeout?.TotalSeconds:0.#} s.", CancellationToken.None);
        }

        if (change is not null)
        {
            await TryTransitionAsync(context.RunId, change, CancellationToken.None);
        }
    }

    private async Task TryTransitionAsync(Guid runId, Action<JobRun, DateTimeOffset> change, CancellationToken ct)
    {
        try
        {
            await recorder.TransitionAsync(runId, change, ct);
        }
        catch (DomainException e)
        {
            // Another writer already ended it (a Stop racing the end): the stored state stands.
            logger.LogInformation("Run {RunId} could not move: {Reason}", runId, e.Message);
        }
    }

    private sealed class LiveRun(Guid workspaceId, CancellationTokenSource stop)
    {
        public Guid WorkspaceId { get; } = workspaceId;

        public CancellationTokenSource Stop { get; } = stop;

        public volatile bool StopRequested;

        public Task? Task { get; set; }
    }
}
