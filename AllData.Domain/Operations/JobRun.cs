using System.Collections.Frozen;
using AllData.Domain.Common;

namespace AllData.Domain.Operations;

/// <summary>
/// One run of a job, whatever its engine. Its status moves only through the methods below, each checked against
/// <see cref="Transitions"/> and recorded as a <see cref="RunStatusChange"/> in <see cref="History"/>.
/// </summary>
public sealed class JobRun : IWorkspaceOwned
{
    public const int MaxErrorLength = 8000;
    public const int MaxSummaryLength = 2000;
    public const int MaxFlinkJobIdLength = 64;
    public const int MaxStartedByLength = 200;
    public const int MaxRestorePathLength = 2000;
    public const int MaxOwnerLength = 200;

    /// <summary>
    /// The allowed moves. Unknown is never final: from it, any state the engine reports again is allowed.
    /// Final states (Finished, Failed, Canceled) allow none.
    /// </summary>
    public static readonly FrozenDictionary<RunStatus, FrozenSet<RunStatus>> Transitions = new Dictionary<RunStatus, FrozenSet<RunStatus>>
    {
        [RunStatus.Queued] = Set(RunStatus.Submitting, RunStatus.Canceling, RunStatus.Canceled, RunStatus.Failed),
        [RunStatus.Submitting] = Set(RunStatus.Running, RunStatus.Canceling, RunStatus.Canceled, RunStatus.Failed, RunStatus.Unknown),
        [RunStatus.Running] = Set(RunStatus.Finished, RunStatus.Failed, RunStatus.Canceling, RunStatus.Canceled, RunStatus.Restarting, RunStatus.Unknown),
        [RunStatus.Canceling] = Set(RunStatus.Canceled, RunStatus.Finished, RunStatus.Failed, RunStatus.Unknown),
        [RunStatus.Restarting] = Set(RunStatus.Submitting, RunStatus.Running, RunStatus.Canceling, RunStatus.Canceled, RunStatus.Failed, RunStatus.Unknown),
        [RunStatus.Unknown] = Set(RunStatus.Running, RunStatus.Restarting, RunStatus.Canceling, RunStatus.Finished, RunStatus.Failed, RunStatus.Canceled),
        [RunStatus.Finished] = Set(),
        [RunStatus.Failed] = Set(),
        [RunStatus.Canceled] = Set(),
    }.ToFrozenDictionary();

    private readonly List<RunStatusChange> _history = [];
    private Dictionary<string, string> _parameters = new(StringComparer.Ordinal);

    private JobRun()
    {
    }

    /// <summary>A new run, <see cref="RunStatus.Queued"/>.</summary>
    /// <param name="jobVersionId">The published version run; null for a studio run of the draft.</param>
    /// <param name="startedBy">The user id, or what started it (a schedule's name) for unattended runs.</param>
    public JobRun(Guid workspaceId, Guid jobId, Guid? jobVersionId, RunTrigger trigger, string? startedBy, RunEngine engine, DateTimeOffset createdAt)
    {
        if (!Enum.IsDefined(trigger))
        {
            throw new DomainException($"'{trigger}' is not a run trigger.");
        }

        if (!Enum.IsDefined(engine))
        {
            throw new DomainException($"'{engine}' is not an engine.");
        }

        if (trigger is RunTrigger.Schedule or RunTrigger.AutoRestart && jobVersionId is null)
        {
            throw new DomainException("Scheduled and restarted runs always run a published version.");
        }

        Id = Guid.CreateVersion7(createdAt);
        WorkspaceId = workspaceId;
        JobId = jobId;
        JobVersionId = jobVersionId;
        Trigger = trigger;
        StartedBy = Clip(startedBy, MaxStartedByLength);
        Engine = engine;
        CreatedAt = createdAt;
        Status = RunStatus.Queued;
        _history.Add(new RunStatusChange(workspaceId, Id, null, RunStatus.Queued, createdAt, null));
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid JobId { get; private set; }

    public Guid? JobVersionId { get; private set; }

    public RunTrigger Trigger { get; private set; }

    public string? StartedBy { get; private set; }

    public RunEngine Engine { get; private set; }

    public RunStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When it first became Running.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>When it reached a final state.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>The Flink job id, once the engine has submitted one.</summary>
    public string? FlinkJobId { get; private set; }

    /// <summary>The Flink cluster the run was submitted to.</summary>
    public Guid? FlinkClusterId { get; private set; }

    /// <summary>
    /// When the engine began submitting to Flink: the marker a retried submission uses to find a job it already started
    /// (a job of this run's pipeline name started after it) instead of starting a second one.
    /// </summary>
    public DateTimeOffset? FlinkSubmittedAt { get; private set; }

    /// <summary>A short outcome for lists ("3 statements, 120 rows affected").</summary>
    public string? ResultSummary { get; private set; }

    /// <summary>The data time the run is for: a schedule's slot; for a manual run the time it was started.</summary>
    public DateTimeOffset? LogicalTime { get; private set; }

    /// <summary>The Flink savepoint or checkpoint the run restores from, chosen when it was started.</summary>
    public string? RestorePath { get; private set; }

    /// <summary>Extra <c>${variables}</c> given at start (schedule logical-time values, API parameters); they win over the job's.</summary>
    public IReadOnlyDictionary<string, string> Parameters => _parameters;

    /// <summary>The schedule whose fire started the run.</summary>
    public Guid? ScheduleId { get; private set; }

    /// <summary>The app instance executing the run in its process (database sessions), while it does.</summary>
    public string? OwnerInstanceId { get; private set; }

    /// <summary>Until when the owner's claim holds; the owner renews it by heartbeat. Expired = the instance stopped.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    /// <summary>When somebody asked to stop the run; the owner honours the request, wherever the request was made.</summary>
    public DateTimeOffset? CancelRequestedAt { get; private set; }

    public string? CancelRequestedBy { get; private set; }

    /// <summary>Every status change, oldest first, starting with the creation (from null to Queued).</summary>
    public IReadOnlyList<RunStatusChange> History => _history;

    public bool IsFinal => Status.IsFinal();

    public TimeSpan? Duration => StartedAt is { } start && EndedAt is { } end ? end - start : null;

    public static bool CanMove(RunStatus from, RunStatus to) => Transitions[from].Contains(to);

    public void MarkSubmitting(DateTimeOffset at) => Move(RunStatus.Submitting, at, null);

    public void MarkRunning(DateTimeOffset at)
    {
        Move(RunStatus.Running, at, null);
        StartedAt ??= at;
    }

    public void MarkRestarting(DateTimeOffset at, string? reason = null) => Move(RunStatus.Restarting, at, reason);

    public void MarkFinished(DateTimeOffset at, string? resultSummary = null)
    {
        Move(RunStatus.Finished, at, null);
        if (resultSummary is not null)
        {
            ResultSummary = Clip(resultSummary, MaxSummaryLength);
        }
    }

    public void MarkFailed(DateTimeOffset at, string error)
    {
        if (string.IsNullOrWhiteSpace(error))
        {
            throw new DomainException("A failed run needs an error message.");
        }

        Move(RunStatus.Failed, at, Clip(error, RunStatusChange.MaxReasonLength));
        ErrorMessage = Clip(error, MaxErrorLength);
    }

    /// <summary>A user (or the system) asked to stop the run; the engine confirms with <see cref="MarkCanceled"/>.</summary>
    public void RequestCancel(DateTimeOffset at, string? reason = null) => Move(RunStatus.Canceling, at, reason);

    public void MarkCanceled(DateTimeOffset at, string? reason = null) => Move(RunStatus.Canceled, at, reason);

    /// <summary>The engine cannot tell (a cluster does not answer). Never final.</summary>
    public void MarkUnknown(DateTimeOffset at, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainException("An unknown run needs the reason it is unknown.");
        }

        Move(RunStatus.Unknown, at, reason);
    }

    public void AttachFlinkJob(string flinkJobId)
    {
        if (string.IsNullOrWhiteSpace(flinkJobId) || flinkJobId.Length > MaxFlinkJobIdLength)
        {
            throw new DomainException("A Flink job id is a non-empty id of at most 64 characters.");
        }

        if (Engine == RunEngine.DatabaseSql)
        {
            throw new DomainException("A database SQL run has no Flink job.");
        }

        if (IsFinal)
        {
            throw new DomainException($"The run is already {Status}; it cannot take a Flink job id.");
        }

        FlinkJobId = flinkJobId;
    }

    /// <summary>Records the cluster and the submission marker before anything is sent to Flink; kept on a retry.</summary>
    public void BeginFlinkSubmission(Guid clusterId, DateTimeOffset at)
    {
        if (Engine == RunEngine.DatabaseSql)
        {
            throw new DomainException("A database SQL run has no Flink job.");
        }

        if (IsFinal)
        {
            throw new DomainException($"The run is already {Status}; it cannot be submitted.");
        }

        if (FlinkClusterId is { } existing && existing != clusterId)
        {
            throw new DomainException("The run was already submitted to another cluster.");
        }

        FlinkClusterId = clusterId;
        FlinkSubmittedAt ??= at;
    }

    public void SetResultSummary(string? summary) => ResultSummary = Clip(summary, MaxSummaryLength);

    /// <summary>What the run was started with, recorded at creation: logical time, restore path, parameters, schedule.</summary>
    public void SetStartOptions(DateTimeOffset? logicalTime, string? restorePath, IReadOnlyDictionary<string, string>? parameters, Guid? scheduleId)
    {
        if (Status != RunStatus.Queued)
        {
            throw new DomainException("Start options are set when the run is created.");
        }

        if (restorePath is { Length: > MaxRestorePathLength })
        {
            throw new DomainException($"A restore path has at most {MaxRestorePathLength} characters.");
        }

        if (restorePath is not null && Engine == RunEngine.DatabaseSql)
        {
            throw new DomainException("A database SQL run has nothing to restore.");
        }

        LogicalTime = logicalTime;
        RestorePath = string.IsNullOrWhiteSpace(restorePath) ? null : restorePath.Trim();
        _parameters = parameters is null ? new(StringComparer.Ordinal) : new(parameters, StringComparer.Ordinal);
        ScheduleId = scheduleId;
    }

    /// <summary>An instance takes the run to execute it in its process, holding it until <paramref name="leaseUntil"/>.</summary>
    public void Claim(string ownerInstanceId, DateTimeOffset leaseUntil)
    {
        if (string.IsNullOrWhiteSpace(ownerInstanceId) || ownerInstanceId.Length > MaxOwnerLength)
        {
            throw new DomainException($"An owner instance id is a non-empty id of at most {MaxOwnerLength} characters.");
        }

        if (IsFinal)
        {
            throw new DomainException($"The run is already {Status}; nobody can take it.");
        }

        if (OwnerInstanceId is { } owner && owner != ownerInstanceId)
        {
            throw new DomainException("Another instance already executes the run.");
        }

        OwnerInstanceId = ownerInstanceId;
        LeaseExpiresAt = leaseUntil;
    }

    /// <summary>No instance executes the run any more (a Flink job handed to its cluster's tracker).</summary>
    public void Release()
    {
        OwnerInstanceId = null;
        LeaseExpiresAt = null;
    }

    /// <summary>True when an instance executes the run and its lease still holds at <paramref name="now"/>.</summary>
    public bool IsOwnedAt(DateTimeOffset now) => OwnerInstanceId is not null && LeaseExpiresAt is { } until && until > now;

    /// <summary>
    /// Stores a stop request; the owner sees it and stops the run. Idempotent: the first request stands. A final run
    /// ignores it.
    /// </summary>
    public void RecordCancelRequest(DateTimeOffset at, string? by)
    {
        if (IsFinal || CancelRequestedAt is not null)
        {
            return;
        }

        CancelRequestedAt = at;
        CancelRequestedBy = Clip(by, MaxStartedByLength);
    }

    private void Move(RunStatus to, DateTimeOffset at, string? reason)
    {
        if (!CanMove(Status, to))
        {
            throw new DomainException(Status.IsFinal()
                ? $"The run is already {Status}; it cannot become {to}."
                : $"A run that is {Status} cannot become {to}.");
        }

        _history.Add(new RunStatusChange(WorkspaceId, Id, Status, to, at, reason));
        Status = to;
        if (to.IsFinal())
        {
            EndedAt = at;
        }
    }

    internal static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    private static FrozenSet<RunStatus> Set(params RunStatus[] statuses) => statuses.ToFrozenSet();
}
