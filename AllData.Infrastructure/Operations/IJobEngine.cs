using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Studio;

namespace AllData.Infrastructure.Operations;

/// <summary>
/// Executes runs of one <see cref="RunEngine"/>. The <see cref="RunOrchestrator"/> creates the run, prepares the script
/// (variables substituted, nothing executed when that fails), moves it to Submitting, then calls
/// <see cref="ExecuteAsync"/> on a background task. The engine moves it to Running through the reporter when work
/// really starts, logs through it, and returns how it ended; the orchestrator records the final state — unless the
/// outcome is <see cref="EngineOutcomeKind.HandedOver"/> (a Flink job was submitted and a tracker owns the status).
/// </summary>
public interface IJobEngine
{
    RunEngine Engine { get; }

    /// <summary>
    /// True when the run's status survives its instance once handed over (a Flink tracker reconciles it); false when the
    /// work lives in the owning process only (database sessions): such runs are failed once their owner's lease expires.
    /// </summary>
    bool TrackedAfterRestart { get; }

    /// <param name="cancellationToken">Fires on Stop and on the run's timeout (the context says which).</param>
    Task<EngineOutcome> ExecuteAsync(RunContext context, IRunReporter reporter, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels a run this process is not executing (a Flink job the tracker owns). Returns false when there is nothing
    /// to cancel remotely; the orchestrator then marks the run Canceled itself.
    /// </summary>
    Task<bool> CancelAsync(JobRun run, IRunReporter reporter, CancellationToken cancellationToken);
}

public enum EngineOutcomeKind
{
    Finished,
    Failed,
    Canceled,
    TimedOut,

    /// <summary>Submitted; a tracker owns the status from now on. The orchestrator records nothing more.</summary>
    HandedOver,
}

public sealed record EngineOutcome(EngineOutcomeKind Kind, string? Summary = null, string? Error = null)
{
    public static EngineOutcome Finished(string? summary) => new(EngineOutcomeKind.Finished, summary);

    public static EngineOutcome Failed(string error, string? summary = null) => new(EngineOutcomeKind.Failed, summary, error);

    public static EngineOutcome Canceled(string? summary = null) => new(EngineOutcomeKind.Canceled, summary);

    public static EngineOutcome TimedOut(string? summary = null) => new(EngineOutcomeKind.TimedOut, summary);

    public static EngineOutcome HandedOver(string? summary = null) => new(EngineOutcomeKind.HandedOver, summary);
}

/// <summary>Which statements of the script to run: those overlapping [Start, End) (offsets), or the one at Start when empty.</summary>
public sealed record StatementRange(int Start, int End);

/// <summary>Everything an engine needs about one run, prepared by the orchestrator.</summary>
/// <param name="Job">The job as stored (detached), e.g. for engine-specific settings.</param>
/// <param name="Script">The script as written (positions refer to it).</param>
/// <param name="Statements">The statements to run, variables substituted.</param>
/// <param name="SettingsJson">The settings run: the published version's snapshot, or the draft's.</param>
/// <param name="SecretValues">Values to hide in anything logged.</param>
public sealed record RunContext(
    Guid RunId,
    Guid WorkspaceId,
    Job Job,
    Guid? JobVersionId,
    RunTrigger Trigger,
    string? StartedBy,
    SqlScript Script,
    IReadOnlyList<SqlStatement> Statements,
    IReadOnlyDictionary<string, string> Variables,
    JobSettingsSnapshot Settings,
    string SettingsJson,
    IReadOnlyList<string> SecretValues)
{
    /// <summary>The savepoint or checkpoint chosen at start (a restart, a restore); null lets the job's settings decide.</summary>
    public string? RestorePath { get; init; }

    /// <summary>The data time the run is for (a schedule's slot), when it has one.</summary>
    public DateTimeOffset? LogicalTime { get; init; }

    public TimeSpan? Timeout => Settings.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
}

/// <summary>How an engine reports on its run: log lines (secret values masked) and status moves.</summary>
public interface IRunReporter
{
    Guid RunId { get; }

    Guid WorkspaceId { get; }

    Task LogAsync(RunLogLevel level, string text, CancellationToken cancellationToken = default);

    Task<JobRun> TransitionAsync(Action<JobRun, DateTimeOffset> change, CancellationToken cancellationToken = default);
}
