using System.Net.Http.Json;
using AllData.Domain.Flink;

namespace AllData.Infrastructure.Flink;

/// <summary>
/// Typed client of one Flink SQL Gateway (REST API V1–V4). The first call negotiates the version with
/// <c>GET /api_versions</c> and every later call carries that <c>/vN</c> prefix. Create it through <see cref="FlinkClientFactory"/>.
/// </summary>
public sealed class FlinkSqlGatewayClient
{
    /// <summary>The gateway versions this client speaks; the highest one the gateway also serves is used.</summary>
    public const int HighestSupportedVersion = 4;

    private static readonly FlinkSqlGatewayJson Json = FlinkSqlGatewayJson.Default;
    private readonly FlinkRestTransport transport;
    private readonly TimeProvider time;
    private int version;

    internal FlinkSqlGatewayClient(HttpClient http, FlinkEndpoint endpoint, TimeProvider time)
    {
        transport = new FlinkRestTransport(http, endpoint);
        this.time = time;
    }

    public FlinkEndpoint Endpoint => transport.Endpoint;

    /// <summary>The negotiated API version (1–4), asking the gateway on first use.</summary>
    public async Task<int> GetVersionAsync(CancellationToken ct)
    {
        if (version > 0)
        {
            return version;
        }

        // Two callers racing here both ask the gateway: harmless, the answer is the same.
        var served = await transport.SendAsync(HttpMethod.Get, "api_versions", null, Json.ApiVersionsWire, ct);
        var usable = served.Versions
            .Select(v => v is ['V' or 'v', .. var n] && int.TryParse(n, out var number) ? number : 0)
            .Where(v => v is > 0 and <= HighestSupportedVersion)
            .DefaultIfEmpty(0)
            .Max();
        version = usable > 0
            ? usable
            : throw new FlinkProtocolException($"The SQL Gateway serves API versions [{string.Join(", ", served.Versions)}]; AllData speaks V1–V{HighestSupportedVersion}.");
        return version;
    }

    public async Task<FlinkSqlGatewayInfo> GetInfoAsync(CancellationToken ct)
    {
        var info = await transport.SendAsync(HttpMethod.Get, await PathAsync("info", ct), null, Json.GatewayInfoWire, ct);
        return new(info.ProductName, info.Version);
    }

    /// <summary>Opens a session whose properties are the job's Flink configuration (<c>pipeline.name</c>, <c>parallelism.default</c> …).</summary>
    public async Task<string> OpenSessionAsync(string? sessionName, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        var body = new OpenSessionRequestWire { SessionName = sessionName, Properties = properties };
        var response = await transport.SendAsync(
            HttpMethod.Post, await PathAsync("sessions", ct), JsonContent.Create(body, Json.OpenSessionRequestWire), Json.OpenSessionResponseWire, ct);
        return response.SessionHandle;
    }

    public async Task<IReadOnlyDictionary<string, string>> GetSessionConfigAsync(string sessionHandle, CancellationToken ct) =>
        (await transport.SendAsync(HttpMethod.Get, await SessionPathAsync(sessionHandle, "", ct), null, Json.SessionConfigWire, ct)).Properties
        ?? new Dictionary<string, string>();

    /// <summary>Keeps an idle session alive (the gateway closes sessions idle for 10 minutes by default).</summary>
    public async Task HeartbeatAsync(string sessionHandle, CancellationToken ct) =>
        await transport.SendAsync(HttpMethod.Post, await SessionPathAsync(sessionHandle, "/heartbeat", ct), JsonContent.Create(new EmptyWire(), Json.EmptyWire), ct);

    public async Task CloseSessionAsync(string sessionHandle, CancellationToken ct) =>
        await transport.SendAsync(HttpMethod.Delete, await SessionPathAsync(sessionHandle, "", ct), null, Json.CloseSessionResponseWire, ct);

    /// <summary>
    /// Submits one statement and returns its operation handle at once. No <c>executionTimeout</c> is sent (every gateway
    /// rejects one): time out by polling <see cref="GetOperationStatusAsync"/> and cancelling.
    /// </summary>
    public async Task<string> ExecuteStatementAsync(
        string sessionHandle, string statement, IReadOnlyDictionary<string, string>? executionConfig, CancellationToken ct)
    {
        var body = new ExecuteStatementRequestWire { Statement = statement, ExecutionConfig = executionConfig is { Count: > 0 } ? executionConfig : null };
        var response = await transport.SendAsync(
            HttpMethod.Post, await SessionPathAsync(sessionHandle, "/statements", ct), JsonContent.Create(body, Json.ExecuteStatementRequestWire),
            Json.ExecuteStatementResponseWire, ct);
        return response.OperationHandle;
    }

    public async Task<FlinkSqlOperationStatus> GetOperationStatusAsync(string sessionHandle, string operationHandle, CancellationToken ct) =>
        FlinkMapper.OperationStatus((await transport.SendAsync(
            HttpMethod.Get, await OperationPathAsync(sessionHandle, operationHandle, "/status", ct), null, Json.OperationStatusWire, ct)).Status);

    public async Task<FlinkSqlOperationStatus> CancelOperationAsync(string sessionHandle, string operationHandle, CancellationToken ct) =>
        FlinkMapper.OperationStatus((await transport.SendAsync(
            HttpMethod.Post, await OperationPathAsync(sessionHandle, operationHandle, "/cancel", ct), JsonContent.Create(new EmptyWire(), Json.EmptyWire),
            Json.OperationStatusWire, ct)).Status);

    public async Task<FlinkSqlOperationStatus> CloseOperationAsync(string sessionHandle, string operationHandle, CancellationToken ct) =>
        FlinkMapper.OperationStatus((await transport.SendAsync(
            HttpMethod.Delete, await OperationPathAsync(sessionHandle, operationHandle, "/close", ct), null, Json.OperationStatusWire, ct)).Status);

    /// <summary>
    /// Fetches one page of results by token (0 for the first). V2+ requires <c>rowFormat=JSON</c>; V1 has no such parameter.
    /// A statement that failed answers HTTP 500: the <see cref="FlinkRestException.RootCause"/> is the SQL error.
    /// </summary>
    public async Task<FlinkSqlResultPage> FetchResultsAsync(string sessionHandle, string operationHandle, long token, CancellationToken ct)
    {
        var path = await OperationPathAsync(sessionHandle, operationHandle, $"/result/{token}", ct);
        if (await GetVersionAsync(ct) >= 2)
        {
            path += "?rowFormat=JSON";
        }

        return (await transport.SendAsync(HttpMethod.Get, path, null, Json.FetchResultsWire, ct)).ToModel();
    }

    /// <summary>Follows a page's <see cref="FlinkSqlResultPage.NextResultUri"/> (a path relative to the gateway's root).</summary>
    public async Task<FlinkSqlResultPage> FetchNextAsync(FlinkSqlResultPage page, CancellationToken ct)
    {
        var next = page.NextResultUri ?? throw new InvalidOperationException("The result has no next page (end of stream).");
        return (await transport.SendAsync(HttpMethod.Get, next.TrimStart('/'), null, Json.FetchResultsWire, ct)).ToModel();
    }

    /// <summary>
    /// Waits for an operation to leave INITIALIZED/PENDING/RUNNING, polling every <paramref name="pollInterval"/>. When
    /// <paramref name="timeout"/> passes first, the operation is cancelled and a <see cref="TimeoutException"/> thrown.
    /// </summary>
    public async Task<FlinkSqlOperationStatus> WaitForOperationAsync(
        string sessionHandle, string operationHandle, TimeSpan pollInterval, TimeSpan timeout, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var status = await GetOperationStatusAsync(sessionHandle, operationHandle, ct);
            if (status is not (FlinkSqlOperationStatus.Initialized or FlinkSqlOperationStatus.Pending or FlinkSqlOperationStatus.Running))
            {
                return status;
            }

            if (time.GetElapsedTime(started) >= timeout)
            {
                await CancelOperationAsync(sessionHandle, operationHandle, ct);
                throw new TimeoutException($"The statement did not finish within {timeout}; it was cancelled.");
            }

            await Task.Delay(pollInterval, time, ct);
        }
    }

    /// <summary>
    /// The Flink job id an INSERT or <c>EXECUTE STATEMENT SET</c> submitted: waits for the operation to finish (it finishes on
    /// submission), then reads <c>jobID</c> from the first result page. A failed statement throws the gateway's error.
    /// </summary>
    public async Task<FlinkJobId> GetSubmittedJobIdAsync(
        string sessionHandle, string operationHandle, TimeSpan pollInterval, TimeSpan timeout, CancellationToken ct)
    {
        var status = await WaitForOperationAsync(sessionHandle, operationHandle, pollInterval, timeout, ct);

        // For ERROR the fetch answers HTTP 500 carrying the SQL error, which is the message to show.
        var page = await FetchResultsAsync(sessionHandle, operationHandle, 0, ct);
        if (status != FlinkSqlOperationStatus.Finished)
        {
            throw new FlinkProtocolException($"The statement ended {status.ToString().ToUpperInvariant()} without submitting a job.");
        }

        return page.JobId ?? throw new FlinkProtocolException("The statement finished without a Flink job id: it did not submit a job.");
    }

    private async Task<string> PathAsync(string path, CancellationToken ct) => $"v{await GetVersionAsync(ct)}/{path}";

    private async Task<string> SessionPathAsync(string sessionHandle, string rest, CancellationToken ct) =>
        await PathAsync($"sessions/{Uri.EscapeDataString(sessionHandle)}{rest}", ct);

    private async Task<string> OperationPathAsync(string sessionHandle, string operationHandle, string rest, CancellationToken ct) =>
        await SessionPathAsync(sessionHandle, $"/operations/{Uri.EscapeDataString(operationHandle)}{rest}", ct);
}
