using System.Text.Json;
using AllData.Domain.Flink;

namespace AllData.Infrastructure.Flink;

/// <summary>The one place where Flink's wire DTOs become AllData's models.</summary>
internal static class FlinkMapper
{
    public static FlinkClusterOverview ToModel(this ClusterOverviewWire w) => new(
        w.TaskManagers, w.SlotsTotal, w.SlotsAvailable, w.JobsRunning, w.JobsFinished, w.JobsCancelled, w.JobsFailed,
        w.FlinkVersion, w.FlinkCommit);

    public static FlinkDashboardConfig ToModel(this DashboardConfigurationWire w) =>
        new(w.FlinkVersion, w.FlinkRevision, TimeSpan.FromMilliseconds(w.RefreshInterval), w.TimezoneName);

    public static FlinkJobSummary ToModel(this JobDetailsWire w) => new(
        JobId(w.Jid), w.Name, State(w.State), Time(w.StartTime), Time(w.EndTime), TimeSpan.FromMilliseconds(Math.Max(0, w.Duration)),
        Time(w.LastModification), w.Tasks ?? new Dictionary<string, int>())
    {
        RawState = w.State,
    };

    /// <summary>
    /// The overview's jobs, each read on its own: an entry without a readable job id is skipped (it belongs to no run; a run
    /// whose job it was looks its job up directly), an entry whose other fields are unreadable keeps its id with a null state.
    /// </summary>
    public static IReadOnlyList<FlinkJobSummary> ToModel(this MultipleJobsDetailsWire w)
    {
        var jobs = new List<FlinkJobSummary>(w.Jobs.Count);
        foreach (var entry in w.Jobs)
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("jid", out var jid) || jid.ValueKind != JsonValueKind.String
                || !FlinkJobId.TryParse(jid.GetString(), out var id))
            {
                continue;
            }

            try
            {
                jobs.Add(entry.Deserialize(FlinkJobManagerJson.Default.JobDetailsWire)!.ToModel());
            }
            catch (Exception e) when (e is JsonException or FlinkProtocolException or InvalidOperationException)
            {
                var raw = entry.TryGetProperty("state", out var state) ? state.ToString() : "(no state)";
                jobs.Add(new FlinkJobSummary(id, string.Empty, null, null, null, TimeSpan.Zero, null, new Dictionary<string, int>()) { RawState = raw });
            }
        }

        return jobs;
    }

    public static FlinkJobDetails ToModel(this JobDetailsInfoWire w) => new(
        JobId(w.Jid), w.Name, State(w.State), w.JobType, w.IsStoppable, Time(w.StartTime), Time(w.EndTime),
        TimeSpan.FromMilliseconds(Math.Max(0, w.Duration)),
        (w.Timestamps ?? new Dictionary<string, long>())
            .Where(t => t.Value > 0 && FlinkJobStates.TryParseWireName(t.Key, out _))
            .ToDictionary(t => FlinkJobStates.ParseWireName(t.Key), t => DateTimeOffset.FromUnixTimeMilliseconds(t.Value)),
        [.. (w.Vertices ?? []).Select(v => new FlinkJobVertex(
            v.Id, v.Name, v.Parallelism, v.Status, v.Metrics?.ReadRecords ?? 0, v.Metrics?.WriteRecords ?? 0,
            v.Metrics?.ReadBytes ?? 0, v.Metrics?.WriteBytes ?? 0))])
    {
        RawState = w.State,
    };

    public static FlinkJobExceptions ToModel(this JobExceptionsWire w) => new(
        [.. (w.ExceptionHistory?.Entries ?? []).Select(e => new FlinkJobException(
            e.ExceptionName ?? "unknown", e.Stacktrace, Time(e.Timestamp), e.TaskName, e.Endpoint, e.TaskManagerId))],
        w.ExceptionHistory?.Truncated ?? false);

    public static FlinkCheckpointStats ToModel(this CheckpointingStatisticsWire w)
    {
        var c = w.Counts;
        return new(
            new FlinkCheckpointCounts(c?.Restored ?? 0, c?.Total ?? 0, c?.InProgress ?? 0, c?.Completed ?? 0, c?.Failed ?? 0),
            w.Latest?.Completed?.ToModel(), w.Latest?.Savepoint?.ToModel(), w.Latest?.Failed?.ToModel(),
            [.. (w.History ?? []).Select(ToModel)]);
    }

    public static FlinkCheckpoint ToModel(this CheckpointStatisticsWire w) => new(
        w.Id, w.Status, w.IsSavepoint, w.CheckpointType, Time(w.TriggerTimestamp), Time(w.LatestAckTimestamp),
        TimeSpan.FromMilliseconds(Math.Max(0, w.EndToEndDuration)), w.StateSize, w.CheckpointedSize, w.ExternalPath, w.FailureMessage);

    public static FlinkSavepointStatus ToModel(this AsynchronousOperationResultWire w) => w.Status.Id switch
    {
        "IN_PROGRESS" => new(FlinkAsyncOperationState.InProgress, null, null, null),
        "COMPLETED" when w.Operation?.FailureCause is { } failure =>
            new(FlinkAsyncOperationState.Failed, null, failure.Class ?? "unknown", failure.StackTrace),
        "COMPLETED" when w.Operation?.Location is { } location => new(FlinkAsyncOperationState.Succeeded, location, null, null),
        "COMPLETED" => throw new FlinkProtocolException("A completed savepoint operation carries neither a location nor a failure cause."),
        var other => throw new FlinkProtocolException($"'{other}' is not an asynchronous operation status."),
    };

    public static FlinkJarUpload ToModel(this JarUploadResponseWire w) =>
        w.Status == "success"
            ? new(w.Filename[(w.Filename.LastIndexOfAny(['/', '\\']) + 1)..], w.Filename)
            : throw new FlinkProtocolException($"Jar upload answered status '{w.Status}'.");

    public static FlinkJar ToModel(this JarFileWire w) =>
        new(w.Id, w.Name, Time(w.Uploaded), [.. (w.Entry ?? []).Select(e => e.Name).OfType<string>()]);

    public static JarRunRequestWire ToWire(this FlinkJarRunRequest r) => new()
    {
        EntryClass = r.EntryClass,
        ProgramArgsList = r.Arguments,
        Parallelism = r.Parallelism,
        JobId = r.JobId?.Value,
        SavepointPath = r.SavepointPath,
        AllowNonRestoredState = r.AllowNonRestoredState,
        ClaimMode = r.ClaimMode switch
        {
            FlinkClaimMode.Claim => "CLAIM",
            FlinkClaimMode.NoClaim => "NO_CLAIM",
            _ => null,
        },
        FlinkConfiguration = r.FlinkConfiguration,
    };

    public static FlinkMetricValue ToModel(this MetricWire w) => new(w.Id, w.Value);

    public static FlinkMetricAggregate ToModel(this AggregatedMetricWire w) => new(w.Id, w.Min, w.Max, w.Avg, w.Sum, w.Skew);

    public static FlinkLogFile ToModel(this LogInfoWire w) => new(w.Name, w.Size, Time(w.Mtime));

    public static FlinkTaskManager ToModel(this TaskManagerWire w) => new(
        w.Id, w.Path, w.SlotsNumber, w.FreeSlots, TimeSpan.FromMilliseconds(Math.Max(0, w.TimeSinceLastHeartbeat)), w.Blocked,
        w.Hardware?.CpuCores ?? 0, w.Hardware?.PhysicalMemory ?? 0, w.Hardware?.FreeMemory ?? 0);

    public static FlinkSqlOperationStatus OperationStatus(string wire) => wire switch
    {
        "INITIALIZED" => FlinkSqlOperationStatus.Initialized,
        "PENDING" => FlinkSqlOperationStatus.Pending,
        "RUNNING" => FlinkSqlOperationStatus.Running,
        "FINISHED" => FlinkSqlOperationStatus.Finished,
        "CANCELED" => FlinkSqlOperationStatus.Canceled,
        "CLOSED" => FlinkSqlOperationStatus.Closed,
        "ERROR" => FlinkSqlOperationStatus.Error,
        "TIMEOUT" => FlinkSqlOperationStatus.Timeout,
        _ => throw new FlinkProtocolException($"'{wire}' is not a SQL Gateway operation status."),
    };

    public static FlinkSqlResultPage ToModel(this FetchResultsWire w)
    {
        var type = w.ResultType switch
        {
            "NOT_READY" => FlinkSqlResultType.NotReady,
            "PAYLOAD" => FlinkSqlResultType.Payload,
            "EOS" => FlinkSqlResultType.Eos,
            var other => throw new FlinkProtocolException($"'{other}' is not a SQL Gateway result type."),
        };
        var columns = (w.Results?.Columns ?? []).Select(ToModel).ToList();
        var rows = (w.Results?.Data ?? []).Select(r => new FlinkSqlRow(RowKind(r.Kind), r.Fields)).ToList();
        var jobId = w.JobId is null ? (FlinkJobId?)null : JobId(w.JobId);

        // Flink 1.16 (gateway V1) has no jobID field: the INSERT's result is one row in a column named "job id".
        if (jobId is null && columns is [{ Name: "job id" }] && rows is [{ Fields: [{ ValueKind: JsonValueKind.String } field] }])
        {
            jobId = JobId(field.GetString()!);
        }

        return new(type, w.IsQueryResult, jobId, w.ResultKind, columns, rows, w.NextResultUri);
    }

    private static FlinkSqlColumn ToModel(ColumnWire c)
    {
        var type = c.LogicalType.ValueKind == JsonValueKind.Object && c.LogicalType.TryGetProperty("type", out var t) ? t.GetString() : null;
        var nullable = c.LogicalType.ValueKind != JsonValueKind.Object
            || !c.LogicalType.TryGetProperty("nullable", out var n) || n.ValueKind != JsonValueKind.False;
        return new(c.Name, type, nullable, c.Comment);
    }

    private static FlinkRowKind RowKind(string wire) => wire switch
    {
        "INSERT" => FlinkRowKind.Insert,
        "UPDATE_BEFORE" => FlinkRowKind.UpdateBefore,
        "UPDATE_AFTER" => FlinkRowKind.UpdateAfter,
        "DELETE" => FlinkRowKind.Delete,
        _ => throw new FlinkProtocolException($"'{wire}' is not a row kind."),
    };

    private static FlinkJobId JobId(string wire) =>
        FlinkJobId.TryParse(wire, out var id) ? id : throw new FlinkProtocolException($"'{wire}' is not a Flink job id.");

    /// <summary>A job state, or null for one AllData does not know: that job is Unknown, never the others.</summary>
    private static FlinkJobState? State(string wire) => FlinkJobStates.TryParseWireName(wire, out var state) ? state : null;

    /// <summary>Flink's epoch-millisecond times use -1 (and 0) for "not yet".</summary>
    private static DateTimeOffset? Time(long epochMilliseconds) =>
        epochMilliseconds > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds) : null;
}
