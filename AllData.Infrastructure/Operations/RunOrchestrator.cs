using System.Collections.Concurrent;
using AllData.Domain.Common;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Studio;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Studio;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Operations;

/// <summary>Why a run failed before anything executed: the script could not be prepared. Positions point into the text run.</summary>
public sealed record RunPreparationError(string Message, SqlPosition? Position, int? Offset, string? VariableName);

/// <summary>A run that was created; <see cref="PreparationError"/> is set when it failed before executing anything.</summary>
public sealed record RunStarted(Guid RunId, RunPreparationError? PreparationError);

/// <summary>
/// Starts and stops runs for every trigger (studio, schedules, API). It creates the <see cref="JobRun"/>, prepares
/// the script (an undefined variable or unterminated literal fails the run before anything executes), picks the
/// <see cref="IJobEngine"/> by job type, runs it on a background task (never on a circuit), and records the outcome.
/// Works for no user: callers check access first (<see cref="Studio.RunService"/>).
/// </summary>
internal sealed class RunOrchestrator(
    IDbContextFactory<AllDataDbContext> factory,
    RunRecorder recorder,
    VariableSecrets secrets,
    IEnumerable<IJobEngine> engines,
    TimeProvider clock,
    ILogger<RunOrchestrator> logger)
{
    private readonly ConcurrentDictionary<Guid, LiveRun> _live = new();
    private readonly Dictionary<RunEngine, IJobEngine> _engines = engines.ToDictionary(e => e.Engine);

    /// <summary>Runs executing in this process.</summary>
    public IReadOnlyCollection<Guid> LiveRunIds => [.. _live.Keys];

    /// <param name="versionId">A published version to run; null runs the draft (studio runs only).</param>
    /// <param name="parameters">Extra <c>${variables}</c> of this run (a schedule slot's logical date); they win over the job's.</param>
    /// <param name="range">Part of the script to run (studio "run at cursor/selection"); null runs it all.</param>
    public async Task<RunStarted> StartAsync(Guid workspaceId, string? startedBy, Guid jobId, RunTrigger trigger, Guid? versionId = null,
        StatementRange? range = null, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken ct = default)
    {
        Job job;
        JobVersion? version = null;
        ResolvedVariables resolved;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.WorkspaceId = workspaceId;
            job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct)
                  ?? throw new DomainException("That job no longer exists.");
            if (versionId is { } vid)
            {
                version = await db.Set<JobVersion>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == vid && v.JobId == jobId, ct)
                          ?? throw new DomainException("That version does not exist.");
            }

            var workspaceVariables = await db.Set<WorkspaceVariable>().AsNoTracking().ToListAsync(ct);
            resolved = secrets.Resolve(workspaceVariables, version?.Variables ?? job.Variables);
            if (parameters is { Count: > 0 })
            {
                // Extra ${variables} of this run (a schedule's logical date) win over the job's own.
                var values = new Dictionary<string, string>(resolved.Values, StringComparer.Ordinal);
                foreach (var (name, value) in parameters)
                {
                    values[name] = value;
                }

                resolved = resolved with { Values = values };
            }
        }

        if (!_engines.TryGetValue(job.Type.Engine(), out var engine))
        {
            throw new DomainException($"Running {job.Type} jobs is not available in this installation.");
        }

        var run = await recorder.CreateAsync(new JobRun(workspaceId, jobId, version?.Id, trigger, startedBy, engine.Engine, clock.GetUtcNow()), ct);
        var reporter = new RunReporter(recorder, workspaceId, run.Id, resolved.SecretValues);
        var text = version?.SqlText ?? job.DraftSql;
        var settingsJson = version?.SettingsJson ?? job.SettingsSnapshot();
        RunContext context;
        try
        {
            var script = SqlScript.Parse(text, job.Type.Dialect());
            var chosen = range is null ? script.Statements
                : range.End > range.Start ? script.StatementsIn(range.Start, range.End)
                : script.StatementAt(range.Start) is { } one ? [one] : [];
            if (chosen.Count == 0)
            {
                return await FailBeforeStartAsync(reporter, new RunPreparationError("There is no statement to run.", null, null, null), ct);
            }

            var statements = script.Substitute(chosen, resolved.Values);
            context = new RunContext(run.Id, workspaceId, job, version?.Id, trigger, startedBy, script, statements, resolved.Values,
                JobSettingsSnapshot.FromJson(settingsJson), settingsJson, resolved.SecretValues);
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
    /// Stops a run: one executing here is canceled on its engine's session at once; another is handed to its engine's
    /// cancel (a Flink job); one nobody executes any more is marked Canceled. A final run is left as it is.
    /// </summary>
    public async Task CancelAsync(Guid runId, string? by, CancellationToken ct = default)
    {
        var run = await recorder.FindAsync(runId, ct) ?? throw new DomainException("That run does not exist.");
        if (run.IsFinal)
        {
            return;
        }

        var reason = by is null ? "Stop requested" : $"Stop requested by {by}";
        if (_live.TryGetValue(runId, out var live))
        {
            live.StopRequested = true;
            await TryTransitionAsync(runId, (r, at) => r.RequestCancel(at, reason), ct);
            await live.Stop.CancelAsync();
            return;
        }

        var reporter = new RunReporter(recorder, run.WorkspaceId, runId, []);
        if (_engines.TryGetValue(run.Engine, out var engine) && engine.TrackedAfterRestart &&
            await engine.CancelAsync(run, reporter, ct))
        {
            return;
        }

        await TryTransitionAsync(runId, (r, at) => r.MarkCanceled(at, $"{reason}; it was not executing any more"), ct);
    }

    /// <summary>Completes when the run executing here has ended (at once when it is not executing here).</summary>
    public Task WhenEndedAsync(Guid runId) => _live.TryGetValue(runId, out var live) ? live.Task ?? Task.CompletedTask : Task.CompletedTask;

    /// <summary>Marks runs of in-process engines left unfinished by a previous process as Failed.</summary>
    public async Task<int> FailOrphanedRunsAsync(CancellationToken ct = default)
    {
        var inProcess = _engines.Values.Where(e => !e.TrackedAfterRestart).Select(e => e.Engine).ToList();
        List<Guid> orphaned;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            orphaned = await db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking()
                .Where(r => inProcess.Contains(r.Engine) && (r.Status == RunStatus.Queued || r.Status == RunStatus.Submitting
                                                              || r.Status == RunStatus.Running || r.Status == RunStatus.Canceling || r.Status == RunStatus.Unknown))
                .Select(r => r.Id).ToListAsync(ct);
        }

        foreach (var id in orphaned.Where(id => !_live.ContainsKey(id)))
        {
            await TryTransitionAsync(id, (r, at) => r.MarkFailed(at, "The app restarted while it ran."), ct);
        }

        if (orphaned.Count > 0)
        {
            logger.LogWarning("Marked {Count} runs left unfinished by a restart as failed", orphaned.Count);
        }

        return orphaned.Count;
    }

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
