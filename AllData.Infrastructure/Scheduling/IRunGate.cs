namespace AllData.Infrastructure.Scheduling;

/// <summary>A slot about to start: which job, for which logical (data) time, in the schedule's time zone.</summary>
public sealed record RunGateRequest(Guid WorkspaceId, Guid ScheduleId, Guid JobId, DateTimeOffset LogicalTime, string TimeZoneId = "UTC");

/// <summary>What a gate says of a slot.</summary>
public enum GateVerdict
{
    /// <summary>The slot may start.</summary>
    Open,

    /// <summary>The slot stays queued (state Queued, the reason shown) and is asked again on the next tend.</summary>
    Wait,

    /// <summary>The slot is skipped with the reason.</summary>
    Skip,

    /// <summary>The slot fails without a run, with the reason.</summary>
    Fail,
}

/// <summary>Whether the slot may start now; when not, why (shown as the slot's reason).</summary>
public sealed record RunGateResult(GateVerdict Verdict, string? Reason)
{
    public static RunGateResult Open { get; } = new(GateVerdict.Open, null);

    public static RunGateResult Wait(string why) => new(GateVerdict.Wait, why);

    public static RunGateResult Skip(string why) => new(GateVerdict.Skip, why);

    public static RunGateResult Fail(string why) => new(GateVerdict.Fail, why);
}

/// <summary>
/// A condition a scheduled slot must meet before its run starts: upstream dependencies of the same data date, a
/// data-quality blocking rule. Every registered gate is asked; a closed gate leaves the slot queued and it is asked
/// again on the next tend (or skips or fails it, as the gate's policy says).
/// </summary>
public interface IRunGate
{
    Task<RunGateResult> CheckAsync(RunGateRequest request, CancellationToken ct);
}
