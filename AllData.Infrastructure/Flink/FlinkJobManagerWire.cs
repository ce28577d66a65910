using System.Text.Json;
using System.Text.Json.Serialization;

namespace AllData.Infrastructure.Flink;

// DTOs of the JobManager REST API v1, exactly as Flink sends and reads them (rest_v1_dispatcher.yml, with the
// wire corrections of shared/flink-rest/README.md). Property names are the wire names; the mapping to AllData's
// models lives in FlinkMapper only. Fields are optional unless every supported Flink version always sends them.

/// <summary>Every non-2xx JSON body: <c>{"errors":["..."]}</c> (not in the spec).</summary>
internal sealed record FlinkErrorBody
{
    [JsonPropertyName("errors")] public IReadOnlyList<string>? Errors { get; init; }
}

internal sealed record ClusterOverviewWire
{
    [JsonPropertyName("taskmanagers")] public int TaskManagers { get; init; }
    [JsonPropertyName("slots-total")] public int SlotsTotal { get; init; }
    [JsonPropertyName("slots-available")] public int SlotsAvailable { get; init; }
    [JsonPropertyName("jobs-running")] public int JobsRunning { get; init; }
    [JsonPropertyName("jobs-finished")] public int JobsFinished { get; init; }
    [JsonPropertyName("jobs-cancelled")] public int JobsCancelled { get; init; }
    [JsonPropertyName("jobs-failed")] public int JobsFailed { get; init; }
    [JsonPropertyName("flink-version")] public string? FlinkVersion { get; init; }
    [JsonPropertyName("flink-commit")] public string? FlinkCommit { get; init; }
}

internal sealed record DashboardConfigurationWire
{
    [JsonPropertyName("refresh-interval")] public long RefreshInterval { get; init; }
    [JsonPropertyName("timezone-name")] public string? TimezoneName { get; init; }
    [JsonPropertyName("timezone-offset")] public int TimezoneOffset { get; init; }
    [JsonPropertyName("flink-version")] public string? FlinkVersion { get; init; }
    [JsonPropertyName("flink-revision")] public string? FlinkRevision { get; init; }
    [JsonPropertyName("features")] public DashboardFeaturesWire? Features { get; init; }
}

internal sealed record DashboardFeaturesWire
{
    [JsonPropertyName("web-submit")] public bool WebSubmit { get; init; }
    [JsonPropertyName("web-cancel")] public bool WebCancel { get; init; }
    [JsonPropertyName("web-history")] public bool WebHistory { get; init; }
}

/// <summary>The overview's jobs stay raw here: each is read on its own, so one unreadable entry spoils only itself.</summary>
internal sealed record MultipleJobsDetailsWire
{
    [JsonPropertyName("jobs")] public required IReadOnlyList<JsonElement> Jobs { get; init; }
}

/// <summary>One entry of <c>GET /jobs/overview</c>.</summary>
internal sealed record JobDetailsWire
{
    [JsonPropertyName("jid")] public required string Jid { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("start-time")] public long StartTime { get; init; }
    [JsonPropertyName("end-time")] public long EndTime { get; init; }
    [JsonPropertyName("duration")] public long Duration { get; init; }
    [JsonPropertyName("last-modification")] public long LastModification { get; init; }
    [JsonPropertyName("tasks")] public IReadOnlyDictionary<string, int>? Tasks { get; init; }
}

internal sealed record JobDetailsInfoWire
{
    [JsonPropertyName("jid")] public required string Jid { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("isStoppable")] public bool IsStoppable { get; init; }
    [JsonPropertyName("job-type")] public string? JobType { get; init; }
    [JsonPropertyName("start-time")] public long StartTime { get; init; }
    [JsonPropertyName("end-time")] public long EndTime { get; init; }
    [JsonPropertyName("duration")] public long Duration { get; init; }
    [JsonPropertyName("maxParallelism")] public long MaxParallelism { get; init; }
    [JsonPropertyName("now")] public long Now { get; init; }
    [JsonPropertyName("timestamps")] public IReadOnlyDictionary<string, long>? Timestamps { get; init; }
    [JsonPropertyName("status-counts")] public IReadOnlyDictionary<string, int>? StatusCounts { get; init; }
    [JsonPropertyName("vertices")] public IReadOnlyList<JobVertexWire>? Vertices { get; init; }
}

internal sealed record JobVertexWire
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("parallelism")] public int Parallelism { get; init; }
    [JsonPropertyName("maxParallelism")] public int MaxParallelism { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("start-time")] public long StartTime { get; init; }
    [JsonPropertyName("end-time")] public long EndTime { get; init; }
    [JsonPropertyName("duration")] public long Duration { get; init; }
    [JsonPropertyName("metrics")] public VertexIoMetricsWire? Metrics { get; init; }
}

internal sealed record VertexIoMetricsWire
{
    [JsonPropertyName("read-records")] public long ReadRecords { get; init; }
    [JsonPropertyName("write-records")] public long WriteRecords { get; init; }
    [JsonPropertyName("read-bytes")] public long ReadBytes { get; init; }
    [JsonPropertyName("write-bytes")] public long WriteBytes { get; init; }
}

internal sealed record JobExceptionsWire
{
    [JsonPropertyName("exceptionHistory")] public JobExceptionHistoryWire? ExceptionHistory { get; init; }
}

internal sealed record JobExceptionHistoryWire
{
    [JsonPropertyName("entries")] public IReadOnlyList<ExceptionEntryWire>? Entries { get; init; }
    [JsonPropertyName("truncated")] public bool Truncated { get; init; }
}

internal sealed record ExceptionEntryWire
{
    [JsonPropertyName("exceptionName")] public string? ExceptionName { get; init; }
    [JsonPropertyName("stacktrace")] public string? Stacktrace { get; init; }
    [JsonPropertyName("timestamp")] public long Timestamp { get; init; }
    [JsonPropertyName("taskName")] public string? TaskName { get; init; }
    [JsonPropertyName("endpoint")] public string? Endpoint { get; init; }
    [JsonPropertyName("taskManagerId")] public string? TaskManagerId { get; init; }
    [JsonPropertyName("failureLabels")] public IReadOnlyDictionary<string, string>? FailureLabels { get; init; }
    [JsonPropertyName("concurrentExceptions")] public IReadOnlyList<ExceptionEntryWire>? ConcurrentExceptions { get; init; }
}

internal sealed record CheckpointingStatisticsWire
{
    [JsonPropertyName("counts")] public CheckpointCountsWire? Counts { get; init; }
    [JsonPropertyName("latest")] public LatestCheckpointsWire? Latest { get; init; }
    [JsonPropertyName("history")] public IReadOnlyList<CheckpointStatisticsWire>? History { get; init; }
}

internal sealed record CheckpointCountsWire
{
    [JsonPropertyName("restored")] public long Restored { get; init; }
    [JsonPropertyName("total")] public long Total { get; init; }
    [JsonPropertyName("in_progress")] public int InProgress { get; init; }
    [JsonPropertyName("completed")] public long Completed { get; init; }
    [JsonPropertyName("failed")] public long Failed { get; init; }
}

internal sealed record LatestCheckpointsWire
{
    [JsonPropertyName("completed")] public CheckpointStatisticsWire? Completed { get; init; }
    [JsonPropertyName("savepoint")] public CheckpointStatisticsWire? Savepoint { get; init; }
    [JsonPropertyName("failed")] public CheckpointStatisticsWire? Failed { get; init; }
}

/// <summary>Completed, failed and pending checkpoints share this shape; <c>className</c> tells them apart.</summary>
internal sealed record CheckpointStatisticsWire
{
    [JsonPropertyName("className")] public string? ClassName { get; init; }
    [JsonPropertyName("id")] public long Id { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("is_savepoint")] public bool IsSavepoint { get; init; }
    [JsonPropertyName("checkpoint_type")] public string? CheckpointType { get; init; }
    [JsonPropertyName("trigger_timestamp")] public long TriggerTimestamp { get; init; }
    [JsonPropertyName("latest_ack_timestamp")] public long LatestAckTimestamp { get; init; }
    [JsonPropertyName("end_to_end_duration")] public long EndToEndDuration { get; init; }
    [JsonPropertyName("state_size")] public long StateSize { get; init; }
    [JsonPropertyName("checkpointed_size")] public long CheckpointedSize { get; init; }
    [JsonPropertyName("external_path")] public string? ExternalPath { get; init; }
    [JsonPropertyName("failure_message")] public string? FailureMessage { get; init; }
    [JsonPropertyName("failure_timestamp")] public long FailureTimestamp { get; init; }
}

/// <summary>Body of <c>POST /jobs/{jobid}/savepoints</c> (hyphenated names on this one).</summary>
internal sealed record SavepointTriggerRequestWire
{
    [JsonPropertyName("target-directory")] public string? TargetDirectory { get; init; }
    [JsonPropertyName("cancel-job")] public bool CancelJob { get; init; }
    [JsonPropertyName("formatType")] public string? FormatType { get; init; }
    [JsonPropertyName("triggerId")] public string? TriggerId { get; init; }
}

/// <summary>Body of <c>POST /jobs/{jobid}/stop</c> (camel case on this one).</summary>
internal sealed record StopWithSavepointRequestWire
{
    [JsonPropertyName("targetDirectory")] public string? TargetDirectory { get; init; }
    [JsonPropertyName("drain")] public bool Drain { get; init; }
    [JsonPropertyName("formatType")] public string? FormatType { get; init; }
    [JsonPropertyName("triggerId")] public string? TriggerId { get; init; }
}

internal sealed record TriggerResponseWire
{
    [JsonPropertyName("request-id")] public required string RequestId { get; init; }
}

internal sealed record AsynchronousOperationResultWire
{
    [JsonPropertyName("status")] public required QueueStatusWire Status { get; init; }
    [JsonPropertyName("operation")] public SavepointOperationWire? Operation { get; init; }
}

internal sealed record QueueStatusWire
{
    [JsonPropertyName("id")] public required string Id { get; init; }
}

internal sealed record SavepointOperationWire
{
    [JsonPropertyName("location")] public string? Location { get; init; }
    [JsonPropertyName("failure-cause")] public SerializedThrowableWire? FailureCause { get; init; }
}

/// <summary><c>{"class","stack-trace","serialized-throwable"}</c> on the wire; the spec shows only the last.</summary>
internal sealed record SerializedThrowableWire
{
    [JsonPropertyName("class")] public string? Class { get; init; }
    [JsonPropertyName("stack-trace")] public string? StackTrace { get; init; }
    [JsonPropertyName("serialized-throwable")] public string? SerializedThrowable { get; init; }
}

internal sealed record JarUploadResponseWire
{
    [JsonPropertyName("filename")] public required string Filename { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
}

internal sealed record JarListWire
{
    [JsonPropertyName("address")] public string? Address { get; init; }
    [JsonPropertyName("files")] public IReadOnlyList<JarFileWire>? Files { get; init; }
}

internal sealed record JarFileWire
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("uploaded")] public long Uploaded { get; init; }
    [JsonPropertyName("entry")] public IReadOnlyList<JarEntryWire>? Entry { get; init; }
}

internal sealed record JarEntryWire
{
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
}

/// <summary>Body of <c>POST /jars/{jarid}/run</c>; <c>programArgsList</c> is the only argument form on every version.</summary>
internal sealed record JarRunRequestWire
{
    [JsonPropertyName("entryClass")] public string? EntryClass { get; init; }
    [JsonPropertyName("programArgsList")] public IReadOnlyList<string>? ProgramArgsList { get; init; }
    [JsonPropertyName("parallelism")] public int? Parallelism { get; init; }
    [JsonPropertyName("jobId")] public string? JobId { get; init; }
    [JsonPropertyName("savepointPath")] public string? SavepointPath { get; init; }
    [JsonPropertyName("allowNonRestoredState")] public bool? AllowNonRestoredState { get; init; }
    [JsonPropertyName("claimMode")] public string? ClaimMode { get; init; }
    [JsonPropertyName("flinkConfiguration")] public IReadOnlyDictionary<string, string>? FlinkConfiguration { get; init; }
}

internal sealed record JarRunResponseWire
{
    [JsonPropertyName("jobid")] public required string JobId { get; init; }
}

/// <summary>One element of the bare array <c>MetricCollectionResponseBody</c> really is.</summary>
internal sealed record MetricWire
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("value")] public string? Value { get; init; }
}

/// <summary>One element of the bare array <c>AggregatedMetricsResponseBody</c> really is.</summary>
internal sealed record AggregatedMetricWire
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("min")] public double? Min { get; init; }
    [JsonPropertyName("max")] public double? Max { get; init; }
    [JsonPropertyName("avg")] public double? Avg { get; init; }
    [JsonPropertyName("sum")] public double? Sum { get; init; }
    [JsonPropertyName("skew")] public double? Skew { get; init; }
}

internal sealed record LogListWire
{
    [JsonPropertyName("logs")] public IReadOnlyList<LogInfoWire>? Logs { get; init; }
}

internal sealed record LogInfoWire
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("size")] public long Size { get; init; }
    [JsonPropertyName("mtime")] public long Mtime { get; init; }
}

internal sealed record TaskManagersWire
{
    [JsonPropertyName("taskmanagers")] public IReadOnlyList<TaskManagerWire>? TaskManagers { get; init; }
}

internal sealed record TaskManagerWire
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("path")] public string? Path { get; init; }
    [JsonPropertyName("dataPort")] public int DataPort { get; init; }
    [JsonPropertyName("timeSinceLastHeartbeat")] public long TimeSinceLastHeartbeat { get; init; }
    [JsonPropertyName("blocked")] public bool Blocked { get; init; }
    [JsonPropertyName("slotsNumber")] public int SlotsNumber { get; init; }
    [JsonPropertyName("freeSlots")] public int FreeSlots { get; init; }
    [JsonPropertyName("hardware")] public HardwareWire? Hardware { get; init; }
}

internal sealed record HardwareWire
{
    [JsonPropertyName("cpuCores")] public int CpuCores { get; init; }
    [JsonPropertyName("physicalMemory")] public long PhysicalMemory { get; init; }
    [JsonPropertyName("freeMemory")] public long FreeMemory { get; init; }
    [JsonPropertyName("managedMemory")] public long ManagedMemory { get; init; }
}

/// <summary>An empty JSON object, the body of requests that take none (<c>{}</c>).</summary>
internal sealed record EmptyWire;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FlinkErrorBody))]
[JsonSerializable(typeof(ClusterOverviewWire))]
[JsonSerializable(typeof(DashboardConfigurationWire))]
[JsonSerializable(typeof(MultipleJobsDetailsWire))]
[JsonSerializable(typeof(JobDetailsWire))]
[JsonSerializable(typeof(JobDetailsInfoWire))]
[JsonSerializable(typeof(JobExceptionsWire))]
[JsonSerializable(typeof(CheckpointingStatisticsWire))]
[JsonSerializable(typeof(SavepointTriggerRequestWire))]
[JsonSerializable(typeof(StopWithSavepointRequestWire))]
[JsonSerializable(typeof(TriggerResponseWire))]
[JsonSerializable(typeof(AsynchronousOperationResultWire))]
[JsonSerializable(typeof(JarUploadResponseWire))]
[JsonSerializable(typeof(JarListWire))]
[JsonSerializable(typeof(JarRunRequestWire))]
[JsonSerializable(typeof(JarRunResponseWire))]
[JsonSerializable(typeof(IReadOnlyList<MetricWire>))]
[JsonSerializable(typeof(IReadOnlyList<AggregatedMetricWire>))]
[JsonSerializable(typeof(LogListWire))]
[JsonSerializable(typeof(TaskManagersWire))]
[JsonSerializable(typeof(EmptyWire))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class FlinkJobManagerJson : JsonSerializerContext;
