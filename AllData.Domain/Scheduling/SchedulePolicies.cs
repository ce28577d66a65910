namespace AllData.Domain.Scheduling;

/// <summary>How a schedule says when it fires.</summary>
public enum ScheduleKind
{
    /// <summary>A Quartz cron expression, with seconds (<c>0 0 2 * * ?</c>).</summary>
    Cron,

    /// <summary>Every N seconds from the schedule's start.</summary>
    Interval,
}

/// <summary>What a fire does while the schedule's previous run has not ended.</summary>
public enum OverlapPolicy
{
    /// <summary>The slot is skipped and written to the ledger as skipped (overlap).</summary>
    Skip,

    /// <summary>The slot waits; it starts when the previous run ends. At most one slot waits; later ones are skipped.</summary>
    QueueOne,

    /// <summary>The previous run is stopped, then the slot starts.</summary>
    CancelPrevious,

    /// <summary>The slot starts beside the previous run.</summary>
    Allow,
}

/// <summary>What happens to slots that were due while no scheduler could fire them (the app was down).</summary>
public enum MisfirePolicy
{
    /// <summary>The latest missed slot fires once, now; older ones are written as missed.</summary>
    FireOnceNow,

    /// <summary>Every missed slot is written as missed; nothing fires until the next slot.</summary>
    Skip,
}

/// <summary>Where a slot in the ledger stands.</summary>
public enum SlotState
{
    /// <summary>A run was started for the slot (see its run for the outcome).</summary>
    Started,

    /// <summary>Waiting for the previous run to end (overlap: queue one).</summary>
    Queued,

    /// <summary>Waiting to be retried after a failed run.</summary>
    RetryWaiting,

    /// <summary>Deliberately not run: overlap skip, a holiday, a paused schedule.</summary>
    Skipped,

    /// <summary>Due while nothing could fire it; can be backfilled.</summary>
    Missed,

    /// <summary>No run could be started (the job has no published version, the run could not be prepared).</summary>
    Failed,
}

/// <summary>What created a ledger row.</summary>
public enum SlotSource
{
    Schedule,
    RunNow,
    Backfill,
    Misfire,
}

/// <summary>What an overlapping fire should do, decided from the policy and the schedule's active runs.</summary>
public enum OverlapDecision
{
    Start,
    Skip,
    Queue,
    CancelPreviousThenStart,
}

public static class OverlapRules
{
    /// <summary>The decision for a slot that is due now.</summary>
    /// <param name="previousActive">A run of the schedule has not ended.</param>
    /// <param name="slotAlreadyQueued">Another slot of the schedule is already waiting.</param>
    public static OverlapDecision Decide(OverlapPolicy policy, bool previousActive, bool slotAlreadyQueued) => policy switch
    {
        _ when !previousActive && !slotAlreadyQueued => OverlapDecision.Start,
        OverlapPolicy.Allow => OverlapDecision.Start,
        OverlapPolicy.CancelPrevious => OverlapDecision.CancelPreviousThenStart,
        OverlapPolicy.QueueOne when !slotAlreadyQueued => OverlapDecision.Queue,
        _ => OverlapDecision.Skip,
    };
}
