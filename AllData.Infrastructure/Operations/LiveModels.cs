using AllData.Domain.Operations;

namespace AllData.Infrastructure.Operations;

/// <summary>
/// A run's status as pushed to clients. Coalesced: <see cref="Previous"/> is the status before the first change in the
/// window and <see cref="Status"/> the latest. <see cref="Sequence"/> increases per workspace (see <see cref="LiveSequence"/>).
/// </summary>
public sealed record LiveRunStatus(
    Guid WorkspaceId, Guid RunId, Guid JobId, RunStatus Status, RunStatus? Previous, DateTimeOffset At, long Sequence)
{
    /// <summary>Folds a newer change of the same run into this one: the newer state wins, the older previous is kept.</summary>
    public static LiveRunStatus Merge(LiveRunStatus older, LiveRunStatus newer) =>
        newer.Sequence >= older.Sequence ? newer with { Previous = older.Previous } : older with { Previous = newer.Previous };
}

/// <summary>A batch of log lines of one run; <see cref="Skipped"/> lines were dropped before it because the viewer was slow.</summary>
public sealed record LiveLogBatch(Guid RunId, IReadOnlyList<RunLogEntry> Lines, long Skipped);

/// <summary>A run that is not final (or ended in the last minutes), as a snapshot lists it.</summary>
public sealed record LiveRunState(Guid RunId, Guid JobId, RunStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt);

/// <summary>
/// What a (re)connecting client starts from: the live runs (and those that ended in the last minutes) and the count of
/// runs per status, as of <see cref="Sequence"/>. Apply only events with a larger sequence; for a run you know, count its
/// move from the state you hold, for another from the event's <see cref="LiveRunStatus.Previous"/>.
/// </summary>
public sealed record LiveSnapshot(Guid WorkspaceId, long Sequence, IReadOnlyList<LiveRunState> Runs, IReadOnlyDictionary<RunStatus, int> Counts);
