namespace AllData.Domain.Flink;

public enum FlinkClusterStatus
{
    /// <summary>The JobManager answered both probes.</summary>
    Healthy,

    /// <summary>No answer: connection refused, DNS, TLS or a timeout.</summary>
    Unreachable,

    /// <summary>The JobManager answered, but with an error or a body AllData cannot read.</summary>
    Unhealthy,
}

/// <summary>What one health probe (<c>/overview</c> + <c>/config</c>) learned about a Flink cluster.</summary>
public sealed record FlinkClusterHealth
{
    public required FlinkClusterStatus Status { get; init; }

    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>Wall time of the probe's calls; null when the cluster did not answer.</summary>
    public TimeSpan? Latency { get; init; }

    public string? FlinkVersion { get; init; }

    public string? FlinkRevision { get; init; }

    public int TaskManagers { get; init; }

    public int SlotsTotal { get; init; }

    public int SlotsAvailable { get; init; }

    public int JobsRunning { get; init; }

    /// <summary>The error of this probe, as the user should read it; null when healthy.</summary>
    public string? LastError { get; init; }

    public static FlinkClusterHealth Failed(FlinkClusterStatus status, DateTimeOffset checkedAt, string error, TimeSpan? latency = null) =>
        status == FlinkClusterStatus.Healthy
            ? throw new ArgumentException("A failed probe cannot be healthy.", nameof(status))
            : new() { Status = status, CheckedAt = checkedAt, LastError = error, Latency = latency };
}
