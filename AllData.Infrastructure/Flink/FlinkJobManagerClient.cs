using System.Net.Http.Headers;
using System.Net.Http.Json;
using AllData.Domain.Flink;

namespace AllData.Infrastructure.Flink;

/// <summary>Which log or stdout file of a JobManager or TaskManager to read (untyped text handlers, not in the spec).</summary>
public sealed record FlinkLogSource
{
    private FlinkLogSource(string path) => Path = path;

    /// <summary>Relative request path, each segment URL-encoded.</summary>
    public string Path { get; }

    public static FlinkLogSource JobManagerLog { get; } = new("jobmanager/log");

    public static FlinkLogSource JobManagerStdout { get; } = new("jobmanager/stdout");

    public static FlinkLogSource JobManagerFile(string fileName) => new($"jobmanager/logs/{Uri.EscapeDataString(fileName)}");

    public static FlinkLogSource TaskManagerLog(string taskManagerId) => new($"taskmanagers/{Uri.EscapeDataString(taskManagerId)}/log");

    public static FlinkLogSource TaskManagerStdout(string taskManagerId) => new($"taskmanagers/{Uri.EscapeDataString(taskManagerId)}/stdout");

    public static FlinkLogSource TaskManagerFile(string taskManagerId, string fileName) =>
        new($"taskmanagers/{Uri.EscapeDataString(taskManagerId)}/logs/{Uri.EscapeDataString(fileName)}");

    public override string ToString() => Path;
}

/// <summary>
/// Typed client of one Flink JobManager's REST API v1 (Flink 1.16 – 2.x). Create it through <see cref="FlinkClientFactory"/>;
/// GETs are retried by the resilience pipeline, POST/PATCH/DELETE never are.
/// </summary>
public sealed class FlinkJobManagerClient
{
    private static readonly FlinkJobManagerJson Json = FlinkJobManagerJson.Default;
    private readonly FlinkRestTransport transport;
    private readonly TimeProvider time;

    internal FlinkJobManagerClient(HttpClient http, FlinkEndpoint endpoint, TimeProvider time, bool singleAttempt = false)
    {
        transport = new FlinkRestTransport(http, endpoint) { SingleAttemptRequests = singleAttempt };
        this.time = time;
    }

    public FlinkEndpoint Endpoint => transport.Endpoint;

    public async Task<FlinkClusterOverview> GetOverviewAsync(CancellationToken ct) =>
        (await transport.SendAsync(HttpMethod.Get, "overview", null, Json.ClusterOverviewWire, ct)).ToModel();

    public async Task<FlinkDashboardConfig> GetConfigAsync(CancellationToken ct) =>
        (await transport.SendAsync(HttpMethod.Get, "config", null, Json.DashboardConfigurationWire, ct)).ToModel();

    /// <summary>
    /// Probes the cluster with <c>/overview</c> and <c>/config</c>. Never throws for the cluster's sake: an unreachable or
    /// failing cluster is a result, with the error as the user should read it.
    /// </summary>
    public async Task<FlinkClusterHealth> ProbeAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        try
        {
            var overview = await GetOverviewAsync(ct);
            var config = await GetConfigAsync(ct);
            return new FlinkClusterHealth
            {
                Status = FlinkClusterStatus.Healthy,
                CheckedAt = time.GetUtcNow(),
                Latency = time.GetElapsedTime(started),
                FlinkVersion = config.FlinkVersion ?? overview.FlinkVersion,
                FlinkRevision = config.FlinkRevision ?? overview.FlinkCommit,
                TaskManagers = overview.TaskManagers,
                SlotsTotal = overview.SlotsTotal,
                SlotsAvailable = overview.SlotsAvailable,
                JobsRunning = overview.JobsRunning,
            };
        }
        catch (FlinkUnreachableException e)
        {
            return FlinkClusterHealth.Failed(FlinkClusterStatus.Unreachable, time.GetUtcNow(), e.Message);
        }
        catch (FlinkClientException e)
        {
            return FlinkClusterHealth.Failed(FlinkClusterStatus.Unhealthy, time.GetUtcNow(), e.Message, time.GetElapsedTime(started));
        }
    }

    /// <summary>Every job on the cluster in one call: what a tracker asks once per tick.</summary>
    public async Task<IReadOnlyList<FlinkJobSummary>> GetJobsOverviewAsync(CancellationToken ct) =>
        (await transport.SendAsync(HttpMethod.Get, "jobs/overview", null, Json.MultipleJobsDetailsWire, ct)).ToModel();

    public async Task<FlinkJobDetails> GetJobAsync(FlinkJobId jobId, CancellationToken ct) =>
        (await transport.SendAsync(HttpMethod.Get, $"jobs/{jobId}", null, Json.JobDetailsInfoWire, ct)).ToModel();

    /// <summary>The job, or null when the cluster answers 404 (unknown job, or finished longer ago than <c>jobstore.expiration-time</c>).</summary>
    public async Task<FlinkJobDetails?> FindJobAsync(FlinkJobId jobId, CancellationToken ct)
    {
        try
        {
            return await GetJobAsync(jobId, ct);
        }
        catch (FlinkRestException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public async Task<FlinkJobExceptions> GetJobExceptionsAsync(FlinkJobId jobId, int maxExceptions, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExceptions);
        return (await transport.SendAsync(HttpMethod.Get, $"jobs/{jobId}/exceptions?maxExceptions={maxExceptions}", null, Json.JobExceptionsWire, ct)).ToModel();
    }

    public async Task<FlinkCheckpointStats> GetCheckpointsAsync(FlinkJobId jobId, CancellationToken ct) =>
        (await transport.SendAsync(HttpMethod.Get, $"jobs/{jobId}/checkpoints", null, Json.CheckpointingStatisticsWire, ct)).ToModel();

    /// <summary><c>PATCH /jobs/{jobid}?mode=cancel</c>: 202 when accepted; 404 unknown job, 409 already terminal.</summary>
    public Task CancelJobAsync(FlinkJobId jobId, CancellationToken ct) =>
        transport.SendAsync(HttpMethod.Patch, $"jobs/{jobId}?mode=cancel", null, ct);

    /// <summary>
    /// Triggers a savepoint. <paramref name="triggerId"/> is Flink's idempotency key: pass the same one when repeating a
    /// request whose answer was lost. Returns the trigger id to poll with <see cref="GetSavepointStatusAsync"/>.
    /// </summary>
    public async Task<string> TriggerSavepointAsync(
        FlinkJobId jobId, string? targetDirectory, bool cancelJob, CancellationToken ct, string? triggerId = null)
    {
        var body = new SavepointTriggerRequestWire
        {
            TargetDirectory = targetDirectory,
            CancelJob = cancelJob,
            TriggerId = triggerId ?? NewTriggerId(),
        };
        var response = await transport.SendAsync(
            HttpMethod.Post, $"jobs/{jobId}/savepoints", JsonContent.Create(body, Json.SavepointTriggerRequestWire), Json.TriggerResponseWire, ct);
        return response.RequestId;
    }

    /// <summary>Stops the job with a savepoint (<paramref name="drain"/> emits MAX_WATERMARK first). Poll with <see cref="GetSavepointStatusAsync"/>.</summary>
    public async Task<string> StopWithSavepointAsync(
        FlinkJobId jobId, string? targetDirectory, bool drain, CancellationToken ct, string? triggerId = null)
    {
        var body = new StopWithSavepointRequestWire
        {
            TargetDirectory = targetDirectory,
            Drain = drain,
            TriggerId = triggerId ?? NewTriggerId(),
        };
        var response = await transport.SendAsync(
            HttpMethod.Post, $"jobs/{jobId}/stop", JsonContent.Create(body, Json.StopWithSavepointRequestWire), Json.TriggerResponseWire, ct);
        return response.RequestId;
    }

    /// <summary>Status of a savepoint or stop-with-savepoint operation.</summary>
    public async Task<FlinkSavepointStatus> GetSavepointStatusAsync(FlinkJobId jobId, string triggerId, CancellationToken ct) =>
        (await transport.SendAsync(
            HttpMethod.Get, $"jobs/{jobId}/savepoints/{Uri.EscapeDataString(triggerId)}", null, Json.AsynchronousOperationResultWire, ct)).ToModel();

    /// <summary>
    /// Polls a savepoint operation until it completes or <paramref name="timeout"/> passes; a timeout returns the last
    /// in-progress status instead of hanging.
    /// </summary>
    public async Task<FlinkSavepointStatus> WaitForSavepointAsync(
        FlinkJobId jobId, string triggerId, TimeSpan pollInterval, TimeSpan timeout, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var status = await GetSavepointStatusAsync(jobId, triggerId, ct);
            if (status.State != FlinkAsyncOperationState.InProgress || time.GetElapsedTime(started) + pollInterval > timeout)
            {
                return status;
            }

            await Task.Delay(pollInterval, time, ct);
        }
    }

    /// <summary>
    /// Uploads a jar: multipart/form-data with one file part named <c>jarfile</c> whose file name ends in <c>.jar</c>
    /// (the wire format; the spec shows a bare body). Returns the jar id (last segment of the server path).
    /// </summary>
    public async Task<FlinkJarUpload> UploadJarAsync(Stream jar, string fileName, CancellationToken ct)
    {
        if (!fileName.EndsWith(".jar", StringComparison.OrdinalIgnoreCase) || fileName.IndexOfAny(['/', '\\', '"']) >= 0)
        {
            throw new ArgumentException($"'{fileName}' is not a jar file name.", nameof(fileName));
        }

        using var part = new StreamContent(jar);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/x-java-archive");
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"jarfile\"", FileName = $"\"{fileName}\"" };
        using var form = new MultipartFormDataContent();
        form.Add(part);
        var response = await transport.SendAsync(HttpMethod.Post, "jars/upload", form, Json.JarUploadResponseWire, ct);
        return response.ToModel();
    }

    public async Task<IReadOnlyList<FlinkJar>> GetJarsAsync(CancellationToken ct) =>
        [.. ((await transport.SendAsync(HttpMethod.Get, "jars", null, Json.JarListWire, ct)).Files ?? []).Select(FlinkMapper.ToModel)];

    public Task DeleteJarAsync(string jarId, CancellationToken ct) =>
        transport.SendAsync(HttpMethod.Delete, $"jars/{Uri.EscapeDataString(jarId)}", null, ct);

    /// <summary>Runs an uploaded jar; returns the Flink job id.</summary>
    public async Task<FlinkJobId> RunJarAsync(string jarId, FlinkJarRunRequest request, CancellationToken ct)
    {
        var response = await transport.SendAsync(
            HttpMethod.Post, $"jars/{Uri.EscapeDataString(jarId)}/run", JsonContent.Create(request.ToWire(), Json.JarRunRequestWire), Json.JarRunResponseWire, ct);
        return FlinkJobId.TryParse(response.JobId, out var id) ? id : throw new FlinkProtocolException($"Jar run answered job id '{response.JobId}'.");
    }

    /// <summary>Job-level metrics (<c>uptime</c>, <c>numRestarts</c>, <c>lastCheckpointDuration</c> …); values are strings on the wire.</summary>
    public async Task<IReadOnlyList<FlinkMetricValue>> GetJobMetricsAsync(FlinkJobId jobId, IReadOnlyCollection<string> metrics, CancellationToken ct) =>
        [.. (await transport.SendAsync(HttpMethod.Get, $"jobs/{jobId}/metrics{GetQuery(metrics)}", null, Json.IReadOnlyListMetricWire, ct)).Select(FlinkMapper.ToModel)];

    /// <summary>A vertex's metrics aggregated over its subtasks (<c>/subtasks/metrics?get=…&amp;agg=…</c>).</summary>
    public async Task<IReadOnlyList<FlinkMetricAggregate>> GetVertexMetricsAsync(
        FlinkJobId jobId, string vertexId, IReadOnlyCollection<string> metrics, IReadOnlyCollection<FlinkMetricAggregation> aggregations, CancellationToken ct)
    {
        var query = GetQuery(metrics);
        if (aggregations.Count > 0)
        {
            query += (query.Length == 0 ? "?" : "&") + "agg=" + string.Join(',', aggregations.Select(a => a.ToString().ToLowerInvariant()));
        }

        var path = $"jobs/{jobId}/vertices/{Uri.EscapeDataString(vertexId)}/subtasks/metrics{query}";
        return [.. (await transport.SendAsync(HttpMethod.Get, path, null, Json.IReadOnlyListAggregatedMetricWire, ct)).Select(FlinkMapper.ToModel)];
    }

    public async Task<IReadOnlyList<FlinkLogFile>> GetJobManagerLogsAsync(CancellationToken ct) =>
        [.. ((await transport.SendAsync(HttpMethod.Get, "jobmanager/logs", null, Json.LogListWire, ct)).Logs ?? []).Select(FlinkMapper.ToModel)];

    public async Task<IReadOnlyList<FlinkTaskManager>> GetTaskManagersAsync(CancellationToken ct) =>
        [.. ((await transport.SendAsync(HttpMethod.Get, "taskmanagers", null, Json.TaskManagersWire, ct)).TaskManagers ?? []).Select(FlinkMapper.ToModel)];

    public async Task<IReadOnlyList<FlinkLogFile>> GetTaskManagerLogsAsync(string taskManagerId, CancellationToken ct) =>
        [.. ((await transport.SendAsync(HttpMethod.Get, $"taskmanagers/{Uri.EscapeDataString(taskManagerId)}/logs", null, Json.LogListWire, ct)).Logs ?? [])
            .Select(FlinkMapper.ToModel)];

    /// <summary>
    /// Reads a log or stdout file from <paramref name="offset"/> (the previous chunk's <see cref="FlinkLogChunk.TotalLength"/>
    /// when tailing), keeping at most <paramref name="maxBytes"/> of it. Flink streams the whole file every time.
    /// </summary>
    public Task<FlinkLogChunk> ReadLogAsync(FlinkLogSource source, long offset, int maxBytes, CancellationToken ct) =>
        transport.ReadTextTailAsync(source.Path, offset, maxBytes, ct);

    private static string GetQuery(IReadOnlyCollection<string> metrics) =>
        metrics.Count == 0 ? string.Empty : "?get=" + string.Join(',', metrics.Select(Uri.EscapeDataString));

    private static string NewTriggerId() => Guid.NewGuid().ToString("N");
}
