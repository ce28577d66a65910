namespace AllData.Domain.Operations;

/// <summary>
/// The state of one run of a job, whatever its engine:
/// Queued → Submitting → Running → (Finished | Failed | Canceled), with Canceling, Restarting and Unknown in between.
/// </summary>
public enum RunStatus
{
    Queued,
    Submitting,
    Running,
    Canceling,
    Restarting,

    /// <summary>AllData cannot tell: the engine (a Flink cluster) does not answer. Never a final state.</summary>
    Unknown,
    Finished,
    Failed,
    Canceled,
}

public static class RunStatusExtensions
{
    public static bool IsFinal(this RunStatus status) => status is RunStatus.Finished or RunStatus.Failed or RunStatus.Canceled;
}
