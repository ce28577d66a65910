using System.Text.Json;
using System.Text.Json.Serialization;

namespace AllData.Infrastructure.Flink;

// DTOs of the SQL Gateway REST API v1–v4 as they are on the wire (rest_vN_sql_gateway.yml with the wire
// corrections of shared/flink-rest/README.md: plain-string handles, the real fetch-result shape).

internal sealed record ApiVersionsWire
{
    [JsonPropertyName("versions")] public required IReadOnlyList<string> Versions { get; init; }
}

internal sealed record GatewayInfoWire
{
    [JsonPropertyName("productName")] public string? ProductName { get; init; }
    [JsonPropertyName("version")] public string? Version { get; init; }
}

internal sealed record OpenSessionRequestWire
{
    [JsonPropertyName("sessionName")] public string? SessionName { get; init; }
    [JsonPropertyName("properties")] public IReadOnlyDictionary<string, string>? Properties { get; init; }
}

internal sealed record OpenSessionResponseWire
{
    [JsonPropertyName("sessionHandle")] public required string SessionHandle { get; init; }
}

internal sealed record SessionConfigWire
{
    [JsonPropertyName("properties")] public IReadOnlyDictionary<string, string>? Properties { get; init; }
}

internal sealed record CloseSessionResponseWire
{
    [JsonPropertyName("status")] public string? Status { get; init; }
}

/// <summary>
/// Body of <c>POST /sessions/{h}/statements</c>. <c>executionTimeout</c> is in the spec, but every gateway up to
/// master answers a value &gt; 0 with HTTP 500, so it is never sent: the client times out by polling and cancelling.
/// </summary>
internal sealed record ExecuteStatementRequestWire
{
    [JsonPropertyName("statement")] public required string Statement { get; init; }
    [JsonPropertyName("executionConfig")] public IReadOnlyDictionary<string, string>? ExecutionConfig { get; init; }
}

internal sealed record ExecuteStatementResponseWire
{
    [JsonPropertyName("operationHandle")] public required string OperationHandle { get; init; }
}

internal sealed record OperationStatusWire
{
    [JsonPropertyName("status")] public required string Status { get; init; }
}

/// <summary>
/// <c>FetchResultsResponseBody</c> as sent: <c>isQueryResult</c> (not <c>queryResult</c>), <c>jobID</c> only when
/// a job was submitted, and for <c>NOT_READY</c> only <c>resultType</c> + <c>nextResultUri</c>.
/// </summary>
internal sealed record FetchResultsWire
{
    [JsonPropertyName("resultType")] public required string ResultType { get; init; }
    [JsonPropertyName("isQueryResult")] public bool? IsQueryResult { get; init; }
    [JsonPropertyName("jobID")] public string? JobId { get; init; }
    [JsonPropertyName("resultKind")] public string? ResultKind { get; init; }
    [JsonPropertyName("results")] public ResultSetWire? Results { get; init; }
    [JsonPropertyName("nextResultUri")] public string? NextResultUri { get; init; }
}

internal sealed record ResultSetWire
{
    [JsonPropertyName("columns")] public IReadOnlyList<ColumnWire>? Columns { get; init; }
    [JsonPropertyName("rowFormat")] public string? RowFormat { get; init; }
    [JsonPropertyName("data")] public IReadOnlyList<RowWire>? Data { get; init; }
}

internal sealed record ColumnWire
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("logicalType")] public JsonElement LogicalType { get; init; }
    [JsonPropertyName("comment")] public string? Comment { get; init; }
}

internal sealed record RowWire
{
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("fields")] public required IReadOnlyList<JsonElement> Fields { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiVersionsWire))]
[JsonSerializable(typeof(GatewayInfoWire))]
[JsonSerializable(typeof(OpenSessionRequestWire))]
[JsonSerializable(typeof(OpenSessionResponseWire))]
[JsonSerializable(typeof(SessionConfigWire))]
[JsonSerializable(typeof(CloseSessionResponseWire))]
[JsonSerializable(typeof(ExecuteStatementRequestWire))]
[JsonSerializable(typeof(ExecuteStatementResponseWire))]
[JsonSerializable(typeof(OperationStatusWire))]
[JsonSerializable(typeof(FetchResultsWire))]
[JsonSerializable(typeof(EmptyWire))]
internal sealed partial class FlinkSqlGatewayJson : JsonSerializerContext;
