namespace AllData.Infrastructure.Scheduling;

/// <summary>A slot about to start: which job, for which logical (data) time.</summary>
public sealed record RunGateRequest(Guid WorkspaceId, Guid ScheduleId, Guid JobId, DateTimeOffset LogicalTime);

/// <summary>Whether the slot may start now; when not, what it waits for (shown as the slot's reason).</summary>
public sealed record RunGateResult(bool MayStart, string? WaitingFor)
{
    public static RunGateResult Open { get; } = new(true, null);

    public static RunGateResult Wait(string why) => new(false, why);
}

/// <summary>
/// A condition a scheduled slot must meet before its run starts: upstream dependencies of the same data date, a
/// data-quality blocking rule. Every registered gate is asked; a closed gate leaves the slot queued and it is asked
/// again on the next tend.
/// </summary>
public interface IRunGate
{
    Task<RunGateResult> CheckAsync(RunGateRequest request, CancellationToken ct);
}
