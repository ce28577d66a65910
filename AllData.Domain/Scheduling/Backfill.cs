using AllData.Domain.Common;

namespace AllData.Domain.Scheduling;

/// <summary>Which slots of the range a backfill runs.</summary>
public enum BackfillMode
{
    /// <summary>Slots that never ran: not in the ledger, missed, or skipped.</summary>
    Missing,

    /// <summary>Those, and slots whose run failed or was stopped.</summary>
    MissingAndFailed,

    /// <summary>Every slot of the range, also those that succeeded (a reprocess).</summary>
    All,
}

public enum BackfillOrder
{
    OldestFirst,
    NewestFirst,
}

public enum BackfillState
{
    Running,
    Paused,
    Canceled,
    Finished,
}

public enum BackfillItemState
{
    /// <summary>Not started yet: waits for a free place within the parallelism.</summary>
    Pending,

    /// <summary>Its slot is claimed: waiting for an upstream, running, or waiting for a retry.</summary>
    Active,

    Succeeded,
    Failed,
    Skipped,
    Canceled,
}

/// <summary>Where a slot of the range stands in the ledger before a backfill, as the planner sees it.</summary>
public enum ExistingSlot
{
    /// <summary>No ledger row: the slot never fired (before the schedule existed, or while it was paused).</summary>
    None,
    Missed,
    Skipped,
    Failed,
    Succeeded,

    /// <summary>Queued, waiting for a retry or running: a backfill leaves it alone.</summary>
    Active,
}

/// <summary>Why the preview leaves a slot of the range out.</summary>
public enum BackfillExclusion
{
    /// <summary>The date is on the schedule's holiday calendar.</summary>
    Holiday,

    /// <summary>It already succeeded (mode: missing, or missing and failed).</summary>
    Succeeded,

    /// <summary>Its run failed, and the mode runs only missing slots.</summary>
    Failed,

    /// <summary>It is queued or running now.</summary>
    Active,
}

/// <summary>What a backfill is asked to do: dates (inclusive, in the schedule's time zone), parallelism, order and mode.</summary>
public sealed record BackfillRequest(DateOnly From, DateOnly To, int Parallelism, BackfillOrder Order, BackfillMode Mode, bool IncludeDownstream)
{
    public const int MaxParallelism = 16;
    public const int MaxDays = 366;

    /// <summary>A backfill creates at most this many runs; a larger range is refused, to be split.</summary>
    public const int MaxSlots = 1000;

    /// <summary>The problem with the request, keyed by field (<c>range</c>, <c>parallelism</c>, <c>order</c>, <c>mode</c>), or null.</summary>
    public (string Field, string Message)? Problem()
    {
        if (To < From)
        {
            return ("range", "The last date must not be before the first.");
        }

        if (To.DayNumber - From.DayNumber + 1 > MaxDays)
        {
            return ("range", $"A backfill covers at most {MaxDays} days; split a longer range.");
        }

        if (Parallelism is < 1 or > MaxParallelism)
        {
            return ("parallelism", $"Parallelism must be between 1 and {MaxParallelism}.");
        }

        if (!Enum.IsDefined(Order))
        {
            return ("order", "Choose an order.");
        }

        return !Enum.IsDefined(Mode) ? ("mode", "Choose which slots to run.") : null;
    }
}

/// <summary>A slot of the range as the planner needs it: its schedule's depth in the workflow and its ledger state.</summary>
public sealed record BackfillCandidate(Guid ScheduleId, DateTimeOffset LogicalTime, DateOnly Date, int Depth, ExistingSlot Existing, bool OnHoliday);

/// <summary>The rules of a backfill plan: which slots run and in what order. The preview and the backfill use the same plan.</summary>
public static class BackfillPlanner
{
    /// <summary>Null when the slot runs, else why it is left out.</summary>
    public static BackfillExclusion? Exclusion(BackfillMode mode, ExistingSlot existing, bool onHoliday) => (mode, existing) switch
    {
        _ when onHoliday => BackfillExclusion.Holiday,
        (_, ExistingSlot.Active) => BackfillExclusion.Active,
        (BackfillMode.All, _) => null,
        (_, ExistingSlot.Succeeded) => BackfillExclusion.Succeeded,
        (BackfillMode.Missing, ExistingSlot.Failed) => BackfillExclusion.Failed,
        _ => null,
    };

    /// <summary>
    /// The run order: by date (oldest or newest first), and within a date upstream before downstream, so that with
    /// any parallelism a date's downstream slots never hold places that their upstream slots need first.
    /// </summary>
    public static IReadOnlyList<BackfillCandidate> Order(IEnumerable<BackfillCandidate> candidates, BackfillOrder order)
    {
        var byDate = order == BackfillOrder.OldestFirst
            ? candidates.OrderBy(c => c.Date)
            : candidates.OrderByDescending(c => c.Date);
        var ordered = byDate.ThenBy(c => c.Depth);
        return [.. order == BackfillOrder.OldestFirst ? ordered.ThenBy(c => c.LogicalTime) : ordered.ThenByDescending(c => c.LogicalTime)];
    }

    /// <summary>Each job's depth below <paramref name="root"/> along its downstream edges (root 0); jobs not reached are absent.</summary>
    public static IReadOnlyDictionary<Guid, int> Downstream(Guid root, IEnumerable<(Guid Job, Guid Upstream)> edges)
    {
        var downstreamOf = edges.GroupBy(e => e.Upstream).ToDictionary(g => g.Key, g => g.Select(e => e.Job).ToList());
        var depth = new Dictionary<Guid, int> { [root] = 0 };
        // Longest path, so a job below two others comes after both; the graph is acyclic (cycles are refused at save).
        var changed = true;
        for (var pass = 0; changed && pass <= downstreamOf.Count + 1; pass++)
        {
            changed = false;
            foreach (var (job, d) in depth.ToList())
            {
                foreach (var next in downstreamOf.GetValueOrDefault(job) ?? [])
                {
                    if (!depth.TryGetValue(next, out var current) || current < d + 1)
                    {
                        depth[next] = d + 1;
                        changed = true;
                    }
                }
            }
        }

        return depth;
    }
}

/// <summary>
/// One tracked backfill of a schedule (and optionally its downstream schedules): its items are the planned slots, in
/// order; at most <see cref="Parallelism"/> of them are active at once. It can be paused, resumed and canceled.
/// </summary>
public sealed class Backfill : IWorkspaceOwned
{
    private Backfill()
    {
        CreatedBy = string.Empty;
    }

    public Backfill(Guid workspaceId, Guid scheduleId, BackfillRequest request, int items, string createdBy, DateTimeOffset at)
    {
        if (request.Problem() is { } problem)
        {
            throw new DomainException(problem.Message);
        }

        if (items < 1)
        {
            throw new DomainException("Nothing to backfill: no slot of that range needs a run in that mode.");
        }

        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        ScheduleId = scheduleId;
        FromDate = request.From;
        ToDate = request.To;
        Parallelism = request.Parallelism;
        Order = request.Order;
        Mode = request.Mode;
        IncludeDownstream = request.IncludeDownstream;
        Items = items;
        State = BackfillState.Running;
        CreatedBy = createdBy.Length <= Schedule.MaxUserLength ? createdBy : createdBy[..Schedule.MaxUserLength];
        CreatedAt = at;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid ScheduleId { get; private set; }

    public DateOnly FromDate { get; private set; }

    public DateOnly ToDate { get; private set; }

    public int Parallelism { get; private set; }

    public BackfillOrder Order { get; private set; }

    public BackfillMode Mode { get; private set; }

    public bool IncludeDownstream { get; private set; }

    /// <summary>How many slots the backfill runs.</summary>
    public int Items { get; private set; }

    public BackfillState State { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public bool IsOver => State is BackfillState.Canceled or BackfillState.Finished;

    /// <summary>Nothing more starts; active slots go on.</summary>
    public void Pause(DateTimeOffset at)
    {
        if (State != BackfillState.Running)
        {
            throw new DomainException("Only a running backfill can be paused.");
        }

        State = BackfillState.Paused;
        UpdatedAt = at;
    }

    public void Resume(DateTimeOffset at)
    {
        if (State != BackfillState.Paused)
        {
            throw new DomainException("Only a paused backfill can be resumed.");
        }

        State = BackfillState.Running;
        UpdatedAt = at;
    }

    /// <summary>No more slots start; the caller stops the active ones.</summary>
    public void Cancel(DateTimeOffset at)
    {
        if (IsOver)
        {
            throw new DomainException("That backfill has already ended.");
        }

        State = BackfillState.Canceled;
        UpdatedAt = at;
        EndedAt = at;
    }

    public void Finish(DateTimeOffset at)
    {
        if (State != BackfillState.Running)
        {
            return;
        }

        State = BackfillState.Finished;
        UpdatedAt = at;
        EndedAt = at;
    }
}

/// <summary>One planned slot of a backfill, in its run order (<see cref="Sequence"/>).</summary>
public sealed class BackfillItem : IWorkspaceOwned
{
    private BackfillItem()
    {
    }

    public BackfillItem(Guid workspaceId, Guid backfillId, Guid scheduleId, DateTimeOffset logicalTime, int sequence, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        BackfillId = backfillId;
        ScheduleId = scheduleId;
        LogicalTime = logicalTime.ToUniversalTime();
        Sequence = sequence;
        State = BackfillItemState.Pending;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid BackfillId { get; private set; }

    public Guid ScheduleId { get; private set; }

    public DateTimeOffset LogicalTime { get; private set; }

    public int Sequence { get; private set; }

    public BackfillItemState State { get; private set; }

    public Guid? SlotId { get; private set; }

    public Guid? RunId { get; private set; }

    public string? Reason { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsOver => State is not (BackfillItemState.Pending or BackfillItemState.Active);

    public void Activate(Guid slotId, Guid? runId, string? reason, DateTimeOffset at)
    {
        State = BackfillItemState.Active;
        SlotId = slotId;
        RunId = runId;
        Reason = Clip(reason);
        StartedAt ??= at;
        UpdatedAt = at;
    }

    public void End(BackfillItemState state, Guid? runId, string? reason, DateTimeOffset at)
    {
        if (state is BackfillItemState.Pending or BackfillItemState.Active)
        {
            throw new DomainException("An item ends succeeded, failed, skipped or canceled.");
        }

        State = state;
        RunId = runId ?? RunId;
        Reason = Clip(reason);
        UpdatedAt = at;
    }

    private static string? Clip(string? value) => value is null || value.Length <= ScheduleSlot.MaxReasonLength ? value : value[..ScheduleSlot.MaxReasonLength];
}
