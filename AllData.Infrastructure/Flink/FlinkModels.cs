using System.Text.Json;
using AllData.Domain.Flink;

namespace AllData.Infrastructure.Flink;

// What AllData reads from Flink, in AllData's terms (times as DateTimeOffset, ids and states typed).
// Built from the wire DTOs in FlinkMapper only.

/// <summary>Where a Flink endpoint is and how to authenticate: one per JobManager or SQL Gateway.</summary>
/// <param name="BaseUrl">http(s) URL of the REST endpoint, e.g. <c>https://flink.example:8081/</c>.</param>
/// <param name="AuthorizationHeader">Optional value of the <c>Authorization</c> header (<c>Bearer …</c>, <c>Basic …</c>).</param>
public sealed record FlinkEndpoint(Uri BaseUrl, string? AuthorizationHeader = null)
{
    public Uri BaseUrl { get; } = BaseUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" }
        ? new Uri(BaseUrl.AbsoluteUri.TrimEnd('/') + "/")
        : throw new ArgumentException($"'{BaseUrl}' is not an absolute http or https URL.", nameof(BaseUrl));

    public override string ToString() => BaseUrl.ToString();
}

public sealed record FlinkClusterOverview(
    int TaskManagers, int SlotsTotal, int SlotsAvailable, int JobsRunning, int JobsFinished, int JobsCancelled,
    int JobsFailed, string? FlinkVersion, string? FlinkCommit);

public sealed record FlinkDashboardConfig(string? FlinkVersion, string? FlinkRevision, TimeSpan RefreshInterval, string? TimezoneName);

/// <summary>
/// One job of <c>/jobs/overview</c>. <see cref="State"/> is null when Flink sent a state AllData does not know (a newer Flink's
/// state, or garbage): <see cref="RawState"/> is what it sent. One such job never makes the other jobs unreadable.
/// </summary>
public sealed record FlinkJobSummary(
    FlinkJobId Id, string Name, FlinkJobState? State, DateTimeOffset? StartTime, DateTimeOffset? EndTime,
    TimeSpan Duration, DateTimeOffset? LastModification, IReadOnlyDictionary<string, int> TaskCounts)
{
    public string RawState { get; init; } = State?.ToWireName() ?? string.Empty;
}

public sealed record FlinkJobVertex(
    string Id, string Name, int Parallelism, string? Status, long RecordsIn, long RecordsOut, long BytesIn, long BytesOut);

/// <summary>A job's details; <see cref="State"/> is null for a state AllData does not know (<see cref="RawState"/> holds it).</summary>
public sealed record FlinkJobDetails(
    FlinkJobId Id, string Name, FlinkJobState? State, string? JobType, bool IsStoppable, DateTimeOffset? StartTime,
    DateTimeOffset? EndTime, TimeSpan Duration, IReadOnlyDictionary<FlinkJobState, DateTimeOffset> StateEnteredAt,
    IReadOnlyList<FlinkJobVertex> Vertices)
{
    public string RawState { get; init; } = State?.ToWireName() ?? string.Empty;
}

public sealed record FlinkJobException(
    string ExceptionName, string? StackTrace, DateTimeOffset? Timestamp, string? TaskName, string? Endpoint, string? TaskManagerId);

public sealed record FlinkJobExceptions(IReadOnlyList<FlinkJobException> Entries, bool Truncated);

public sealed record FlinkCheckpoint(
    long Id, string? Status, bool IsSavepoint, string? CheckpointType, DateTimeOffset? TriggeredAt,
    DateTimeOffset? LatestAckAt, TimeSpan EndToEndDuration, long StateSize, long CheckpointedSize, string? ExternalPath,
    string? FailureMessage);

public sealed record FlinkCheckpointCounts(long Restored, long Total, int InProgress, long Completed, long Failed);

public sealed record FlinkCheckpointStats(
    FlinkCheckpointCounts Counts, FlinkCheckpoint? LatestCompleted, FlinkCheckpoint? LatestSavepoint,
    FlinkCheckpoint? LatestFailed, IReadOnlyList<FlinkCheckpoint> History);

public enum FlinkAsyncOperationState
{
    InProgress,
    Succeeded,
    Failed,
}

/// <summary>A savepoint or stop-with-savepoint operation: Flink's COMPLETED only means finished, the outcome is location vs failure.</summary>
public sealed record FlinkSavepointStatus(FlinkAsyncOperationState State, string? Location, string? FailureClass, string? FailureStackTrace);

public sealed record FlinkJarUpload(string JarId, string ServerPath);

public sealed record FlinkJar(string Id, string? Name, DateTimeOffset? UploadedAt, IReadOnlyList<string> EntryClasses);

public enum FlinkClaimMode
{
    Claim,
    NoClaim,
}

/// <summary>What to run from an uploaded jar. <paramref name="JobId"/> fixes Flink's job id so a retried run is recognised.</summary>
public sealed record FlinkJarRunRequest(
    string? EntryClass = null,
    IReadOnlyList<string>? Arguments = null,
    int? Parallelism = null,
    FlinkJobId? JobId = null,
    string? SavepointPath = null,
    bool? AllowNonRestoredState = null,
    FlinkClaimMode? ClaimMode = null,
    IReadOnlyDictionary<string, string>? FlinkConfiguration = null);

public sealed record FlinkMetricValue(string Id, string? Value);

public sealed record FlinkMetricAggregate(string Id, double? Min, double? Max, double? Avg, double? Sum, double? Skew);

public enum FlinkMetricAggregation
{
    Min,
    Max,
    Avg,
    Sum,
    Skew,
}

public sealed record FlinkLogFile(string Name, long Size, DateTimeOffset? ModifiedAt);

/// <summary>
/// Part of a log file. Flink serves log files whole (no ranges), so the client skips <see cref="Offset"/> bytes and keeps at
/// most a cap; <see cref="TotalLength"/> is where the next tail read starts.
/// </summary>
public sealed record FlinkLogChunk(string Text, long Offset, long TotalLength, bool Truncated);

public sealed record FlinkTaskManager(
    string Id, string? Path, int SlotsTotal, int SlotsFree, TimeSpan SinceLastHeartbeat, bool Blocked, int CpuCores,
    long PhysicalMemory, long FreeMemory);

public sealed record FlinkSqlGatewayInfo(string? ProductName, string? Version);

public enum FlinkSqlOperationStatus
{
    Initialized,
    Pending,
    Running,
    Finished,
    Canceled,
    Closed,
    Error,
    Timeout,
}

public enum FlinkSqlResultType
{
    NotReady,
    Payload,
    Eos,
}

/// <summary>Changelog kind of a result row: +I, -U, +U, -D.</summary>
public enum FlinkRowKind
{
    Insert,
    UpdateBefore,
    UpdateAfter,
    Delete,
}

public sealed record FlinkSqlColumn(string Name, string? LogicalType, bool Nullable, string? Comment);

public sealed record FlinkSqlRow(FlinkRowKind Kind, IReadOnlyList<JsonElement> Fields)
{
    public string ShortKind => Kind switch
    {
        FlinkRowKind.Insert => "+I",
        FlinkRowKind.UpdateBefore => "-U",
        FlinkRowKind.UpdateAfter => "+U",
        FlinkRowKind.Delete => "-D",
        _ => Kind.ToString(),
    };
}

/// <summary>One page of a statement's results; follow <see cref="NextResultUri"/> until <see cref="FlinkSqlResultType.Eos"/>.</summary>
public sealed record FlinkSqlResultPage(
    FlinkSqlResultType ResultType, bool? IsQueryResult, FlinkJobId? JobId, string? ResultKind,
    IReadOnlyList<FlinkSqlColumn> Columns, IReadOnlyList<FlinkSqlRow> Rows, string? NextResultUri);
