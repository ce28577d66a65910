using AllData.Domain.Operations;

namespace AllData.Domain.Flink;

/// <summary>Flink's <c>JobStatus</c>, exactly the values the JobManager REST API sends (identical from 1.16 to 2.x).</summary>
public enum FlinkJobState
{
    Initializing,
    Created,
    Running,
    Failing,
    Failed,
    Cancelling,
    Canceled,
    Finished,
    Restarting,

    /// <summary>Locally terminal only: the JobManager lost leadership and another one may recover the job.</summary>
    Suspended,
    Reconciling,
}

/// <summary>The one place where Flink's job states meet AllData's run states.</summary>
public static class FlinkJobStates
{
    private static readonly Dictionary<string, FlinkJobState> ByWireName = Enum.GetValues<FlinkJobState>()
        .ToDictionary(ToWireName, state => state, StringComparer.Ordinal);

    /// <summary>The run status a run takes while Flink reports its job in <paramref name="state"/>.</summary>
    public static RunStatus ToRunStatus(this FlinkJobState state) => state switch
    {
        // Accepted by the JobManager but not yet scheduled: the submission is still under way.
        FlinkJobState.Initializing => RunStatus.Submitting,
        FlinkJobState.Created => RunStatus.Submitting,
        FlinkJobState.Running => RunStatus.Running,

        // A new JobManager is taking over tasks that keep running.
        FlinkJobState.Reconciling => RunStatus.Running,

        // FAILING always ends in RESTARTING or FAILED; until Flink says which, the run is not failed.
        FlinkJobState.Failing => RunStatus.Restarting,
        FlinkJobState.Restarting => RunStatus.Restarting,
        FlinkJobState.Cancelling => RunStatus.Canceling,
        FlinkJobState.Finished => RunStatus.Finished,
        FlinkJobState.Failed => RunStatus.Failed,
        FlinkJobState.Canceled => RunStatus.Canceled,

        // The JobManager lost leadership: the job may be recovered elsewhere, so AllData cannot tell yet.
        FlinkJobState.Suspended => RunStatus.Unknown,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown Flink job state."),
    };

    /// <summary>FAILED, CANCELED and FINISHED are globally terminal; SUSPENDED is not.</summary>
    public static bool IsGloballyTerminal(this FlinkJobState state) =>
        state is FlinkJobState.Failed or FlinkJobState.Canceled or FlinkJobState.Finished;

    /// <summary>The upper-case name Flink sends (<c>RUNNING</c>, <c>CANCELLING</c> …).</summary>
    public static string ToWireName(this FlinkJobState state) => state.ToString().ToUpperInvariant();

    /// <summary>Reads a state as Flink sends it; an unknown value is a protocol problem, not a guess.</summary>
    public static FlinkJobState ParseWireName(string value) =>
        TryParseWireName(value, out var state)
            ? state
            : throw new FormatException($"'{value}' is not a Flink job status.");

    public static bool TryParseWireName(string? value, out FlinkJobState state) =>
        ByWireName.TryGetValue(value ?? string.Empty, out state);
}
