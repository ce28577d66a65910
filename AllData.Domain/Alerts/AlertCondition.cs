using AllData.Domain.Common;

namespace AllData.Domain.Alerts;

public enum AlertConditionKind
{
    /// <summary>A run of a job failed; resolved by the job's next successful run. Read from stored status changes.</summary>
    RunFailed,

    /// <summary>A run has been Unknown (its cluster does not answer) for more than N minutes.</summary>
    RunUnknownFor,

    /// <summary>A job's runs restarted more than N times within M minutes.</summary>
    RestartedTooOften,

    /// <summary>A run has been running longer than N minutes, or than X times its job's median duration.</summary>
    RunTooLong,

    /// <summary>Dead man's switch: a job has had no successful run for N hours.</summary>
    NoSuccessSince,

    /// <summary>A schedule did not fire for one of its slots (needs the scheduling feature's tables).</summary>
    ScheduleMissed,

    /// <summary>A running Flink job counts at least N failed checkpoints.</summary>
    CheckpointFailures,

    /// <summary>A Flink cluster has not answered for N minutes.</summary>
    ClusterUnreachable,

    /// <summary>A quality rule on a table failed, or the table's score is below X (needs the quality feature's tables).</summary>
    QualityFailed,
}

/// <summary>How a condition is evaluated: from the stored event history (a cursor), or by looking at the state every tick.</summary>
public enum AlertEvaluation
{
    Event,
    Time,
}

public static class AlertConditionKindExtensions
{
    public static AlertEvaluation Evaluation(this AlertConditionKind kind) =>
        kind == AlertConditionKind.RunFailed ? AlertEvaluation.Event : AlertEvaluation.Time;

    public static bool NeedsTable(this AlertConditionKind kind) => kind == AlertConditionKind.QualityFailed;

    /// <summary>What the rule's subjects are: jobs, runs, clusters, schedules or tables.</summary>
    public static AlertSubjectKind SubjectKind(this AlertConditionKind kind) => kind switch
    {
        AlertConditionKind.RunFailed or AlertConditionKind.RestartedTooOften or AlertConditionKind.NoSuccessSince => AlertSubjectKind.Job,
        AlertConditionKind.RunUnknownFor or AlertConditionKind.RunTooLong or AlertConditionKind.CheckpointFailures => AlertSubjectKind.Run,
        AlertConditionKind.ClusterUnreachable => AlertSubjectKind.Cluster,
        AlertConditionKind.ScheduleMissed => AlertSubjectKind.Schedule,
        _ => AlertSubjectKind.Table,
    };
}

public enum AlertSubjectKind
{
    Job,
    Run,
    Cluster,
    Schedule,
    Table,
}

/// <summary>
/// A rule's condition with its parameters; only those its <see cref="Kind"/> uses are set.
/// <see cref="Minutes"/> is N minutes, <see cref="Count"/> N times, <see cref="WindowMinutes"/> M minutes,
/// <see cref="MedianFactor"/> X× the median, <see cref="Hours"/> N hours, <see cref="ScoreBelow"/> the score threshold.
/// </summary>
public sealed record AlertCondition(
    AlertConditionKind Kind,
    int? Minutes = null,
    int? Count = null,
    int? WindowMinutes = null,
    double? MedianFactor = null,
    int? Hours = null,
    double? ScoreBelow = null)
{
    public const int MaxMinutes = 7 * 24 * 60;

    public static AlertCondition RunFailed() => new(AlertConditionKind.RunFailed);

    public AlertCondition Validate() => Kind switch
    {
        AlertConditionKind.RunFailed or AlertConditionKind.ScheduleMissed => new(Kind),
        AlertConditionKind.RunUnknownFor or AlertConditionKind.ClusterUnreachable => new(Kind, Minutes: Require(Minutes, 1, MaxMinutes, "N minutes")),
        AlertConditionKind.RestartedTooOften => new(Kind, Count: Require(Count, 1, 10_000, "N restarts"),
            WindowMinutes: Require(WindowMinutes, 1, MaxMinutes, "M minutes")),
        AlertConditionKind.RunTooLong => TooLong(),
        AlertConditionKind.NoSuccessSince => new(Kind, Hours: Require(Hours, 1, 24 * 90, "N hours")),
        AlertConditionKind.CheckpointFailures => new(Kind, Count: Require(Count, 1, 1_000_000, "N failed checkpoints")),
        AlertConditionKind.QualityFailed => ScoreBelow is { } s && (s is < 0 or > 100 || double.IsNaN(s))
            ? throw new DomainException("A score threshold is between 0 and 100 (or empty: any failed quality rule).")
            : new(Kind, ScoreBelow: ScoreBelow),
        _ => throw new DomainException($"'{Kind}' is not an alert condition."),
    };

    private AlertCondition TooLong()
    {
        if (Minutes is null && MedianFactor is null)
        {
            throw new DomainException("Give N minutes, X times the median, or both.");
        }

        if (MedianFactor is { } f && (f < 1.1 || f > 100 || double.IsNaN(f)))
        {
            throw new DomainException("X times the median is between 1.1 and 100.");
        }

        return new(Kind, Minutes: Minutes is null ? null : Require(Minutes, 1, MaxMinutes, "N minutes"), MedianFactor: MedianFactor);
    }

    private static int Require(int? value, int min, int max, string what) => value switch
    {
        null => throw new DomainException($"Give {what}."),
        { } v when v < min || v > max => throw new DomainException($"{what} is between {min} and {max}."),
        { } v => v,
    };

    /// <summary>The smallest number of finished runs a median is taken over; fewer and only N minutes counts.</summary>
    public const int MinimumRunsForMedian = 3;

    /// <summary>Whether a run that has been running for <paramref name="elapsed"/> is too long under this condition.</summary>
    public bool IsTooLong(TimeSpan elapsed, TimeSpan? median)
    {
        if (Minutes is { } n && elapsed > TimeSpan.FromMinutes(n))
        {
            return true;
        }

        return MedianFactor is { } x && median is { } m && m > TimeSpan.Zero && elapsed > m * x;
    }

    /// <summary>The median of durations (null when there are fewer than <see cref="MinimumRunsForMedian"/>).</summary>
    public static TimeSpan? Median(IReadOnlyList<TimeSpan> durations)
    {
        if (durations.Count < MinimumRunsForMedian)
        {
            return null;
        }

        var sorted = durations.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
