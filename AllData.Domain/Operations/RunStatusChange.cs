using AllData.Domain.Common;

namespace AllData.Domain.Operations;

/// <summary>One step in a run's status history; written with the transition, never changed.</summary>
public sealed class RunStatusChange : IWorkspaceOwned
{
    public const int MaxReasonLength = 2000;

    private RunStatusChange()
    {
    }

    internal RunStatusChange(Guid workspaceId, Guid runId, RunStatus? from, RunStatus to, DateTimeOffset at, string? reason)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        RunId = runId;
        From = from;
        To = to;
        At = at;
        Reason = JobRun.Clip(reason, MaxReasonLength);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid RunId { get; private set; }

    /// <summary>The status before; null for the run's creation.</summary>
    public RunStatus? From { get; private set; }

    public RunStatus To { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string? Reason { get; private set; }
}
