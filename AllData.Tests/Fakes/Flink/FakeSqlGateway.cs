using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AllData.Domain.Flink;

namespace AllData.Tests.Fakes.Flink;

/// <summary>A result row the fake streams for queries: changelog kind (INSERT, UPDATE_BEFORE, …) and field values.</summary>
public sealed record FakeRow(string Kind, params object?[] Fields);

/// <summary>
/// The fake SQL Gateway (API V1–V4 as the release serves them). DDL and SET answer OK, INSERT / statement sets submit a job
/// to the <see cref="FakeJobManager"/> and report its id, queries stream <see cref="QueryPages"/>, and statements
/// containing a key of <see cref="FailingStatements"/> fail with that error.
/// </summary>
public sealed partial class FakeSqlGateway(FlinkSpecSet specs, FakeJobManager jobManager) : FakeFlinkServer(specs)
{
    private readonly ConcurrentDictionary<string, Session> sessions = new();

    /// <summary>Open sessions and their properties.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Sessions =>
        sessions.ToDictionary(s => s.Key, s => (IReadOnlyDictionary<string, string>)s.Value.Properties);

    /// <summary>The properties of every session ever opened, in order (kept after the session is closed).</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> OpenedSessions { get; } = new();

    /// <summary>
    /// The API versions this gateway serves; defaults to every version of the release. Limit it to play an older gateway
    /// (<c>[1]</c> = Flink 1.16, <c>[1, 2]</c> = 1.17–1.19).
    /// </summary>
    public IReadOnlyList<int> ServedVersions { get; set; } = [.. specs.Gateway.Keys.Order()];

    /// <summary>False plays Flink 1.16, whose fetch results have no <c>jobID</c> field (the id is the single "job id" row).</summary>
    public bool ReportsJobIdField { get; set; } = true;

    /// <summary>Every statement executed, in order.</summary>
    public ConcurrentQueue<string> Statements { get; } = new();

    /// <summary>Statement substring → the SQL error the gateway reports for it.</summary>
    public Dictionary<string, string> FailingStatements { get; } = [];

    /// <summary>Status polls that answer RUNNING before an operation finishes.</summary>
    public int OperationPollsRunning { get; set; } = 1;

    /// <summary>True plays an unbounded streaming query: after <see cref="QueryPages"/> it answers empty pages and keeps running.</summary>
    public bool QueryKeepsRunning { get; set; }

    /// <summary>Columns (name, Flink type) of query results.</summary>
    public List<(string Name, string Type)> QueryColumns { get; } = [("id", "INTEGER"), ("name", "VARCHAR")];

    /// <summary>Pages of changelog rows a query returns, one page per fetch; then EOS.</summary>
    public List<FakeRow[]> QueryPages { get; } =
    [
        [new("INSERT", 1, "ada"), new("INSERT", 2, "bob")],
        [new("UPDATE_BEFORE", 2, "bob"), new("UPDATE_AFTER", 2, "bea")],
        [new("DELETE", 1, "ada")],
    ];

    protected override (SpecDocument? Spec, string Path, int Version) SelectSpec(string rawPath)
    {
        var match = VersionPrefix().Match(rawPath);
        if (!match.Success)
        {
            var defaultVersion = ServedVersions.Max();
            return (Specs.Gateway[defaultVersion], rawPath, defaultVersion);
        }

        var version = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return ServedVersions.Contains(version) && Specs.Gateway.TryGetValue(version, out var spec)
            ? (spec, rawPath[match.Length..], version)
            : (null, rawPath, version);
    }

    protected override Task<FakeResponse> HandleAsync(FakeRequest r, CancellationToken ct) => Task.FromResult(r.Operation.Key switch
    {
        "GET /api_versions" => FakeResponse.Ok(new JsonObject { ["versions"] = new JsonArray([.. ServedVersions.Order().Select(v => JsonValue.Create($"V{v}"))]) }),
        "GET /info" => FakeResponse.Ok(new JsonObject { ["productName"] = "Apache Flink", ["version"] = Specs.FlinkVersion }),
        "POST /sessions" => OpenSession(r.Json!),
        "GET /sessions/{session_handle}" => WithSession(r, s => FakeResponse.Ok(new JsonObject
        {
            ["properties"] = new JsonObject([.. s.Properties.Select(p => KeyValuePair.Create<string, JsonNode?>(p.Key, p.Value))]),
        })),
        "DELETE /sessions/{session_handle}" => WithSession(r, s =>
        {
            sessions.TryRemove(r.PathValues["session_handle"], out _);
            return FakeResponse.Ok(new JsonObject { ["status"] = "CLOSED" });
        }),
        "POST /sessions/{session_handle}/heartbeat" => WithSession(r, _ => FakeResponse.Ok(new JsonObject())),
        "POST /sessions/{session_handle}/statements" => WithSession(r, s => Execute(s, r.Json!)),
        "GET /sessions/{session_handle}/operations/{operation_handle}/status" => WithOperation(r, (_, op) => Status(op, poll: true)),
        "POST /sessions/{session_handle}/operations/{operation_handle}/cancel" => WithOperation(r, (_, op) =>
        {
            op.State = op.State is "FINISHED" or "ERROR" ? op.State : "CANCELED";
            return Status(op, poll: false);
        }),
        "DELETE /sessions/{session_handle}/operations/{operation_handle}/close" => WithOperation(r, (s, op) =>
        {
            s.Operations.TryRemove(op.Handle, out _);
            op.State = "CLOSED";
            return Status(op, poll: false);
        }),
        "GET /sessions/{session_handle}/operations/{operation_handle}/result/{token}" => WithOperation(r, (s, op) => Fetch(r, s, op)),
        _ => FakeResponse.Error(501, $"The fake SQL Gateway does not serve {r.Operation.Key}."),
    });

    private FakeResponse OpenSession(JsonNode body)
    {
        var handle = Guid.NewGuid().ToString();
        var properties = new Dictionary<string, string> { ["execution.runtime-mode"] = "streaming" };
        foreach (var (key, value) in body["properties"]?.AsObject() ?? [])
        {
            properties[key] = value!.GetValue<string>();
        }

        sessions[handle] = new Session(handle, properties);
        OpenedSessions.Enqueue(properties);
        return FakeResponse.Ok(new JsonObject { ["sessionHandle"] = handle });
    }

    private FakeResponse Execute(Session session, JsonNode body)
    {
        if (body["executionTimeout"]?.GetValue<long>() is > 0)
        {
            Violation("executionTimeout > 0 was sent: every gateway rejects it (README item 11)");
            return FakeResponse.InternalError("org.apache.flink.table.gateway.api.utils.SqlGatewayException: SqlGatewayService doesn't support timeout mechanism now.");
        }

        var statement = body["statement"]!.GetValue<string>();
        Statements.Enqueue(statement);
        var config = body["executionConfig"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];
        var op = new Operation(Guid.NewGuid().ToString(), OperationPollsRunning);
        var text = statement.Trim().ToUpperInvariant();
        if (FailingStatements.FirstOrDefault(f => statement.Contains(f.Key, StringComparison.Ordinal)) is { Key: not null } failure)
        {
            op.Error = failure.Value;
        }
        else if (text.StartsWith("INSERT", StringComparison.Ordinal) || text.StartsWith("EXECUTE STATEMENT SET", StringComparison.Ordinal)
            || text.StartsWith("BEGIN STATEMENT SET", StringComparison.Ordinal))
        {
            var name = config.GetValueOrDefault("pipeline.name") ?? session.Properties.GetValueOrDefault("pipeline.name") ?? "insert-into_default_catalog.default_database.sink";
            var job = jobManager.AddJob(name, FlinkJobState.Running);
            op.JobId = job.Id;
            op.ResultKind = "SUCCESS_WITH_CONTENT";
            op.Columns = [Column("job id", "VARCHAR", nullable: false)];
            op.Pages = [[new FakeRow("INSERT", job.Id)]];
        }
        else if (text.StartsWith("SELECT", StringComparison.Ordinal) || text.StartsWith("WITH", StringComparison.Ordinal))
        {
            op.IsQuery = true;
            op.NotReadyOnce = true;
            op.ResultKind = "SUCCESS_WITH_CONTENT";
            op.Columns = [.. QueryColumns.Select(c => Column(c.Name, c.Type, nullable: true))];
            op.Pages = [.. QueryPages];
        }
        else if (text.StartsWith("EXPLAIN", StringComparison.Ordinal))
        {
            op.ResultKind = "SUCCESS_WITH_CONTENT";
            op.Columns = [Column("result", "VARCHAR", nullable: true)];
            op.Pages = [[new FakeRow("INSERT", "== Abstract Syntax Tree ==\nLogicalProject(id=[$0])\n")]];
        }
        else
        {
            op.ResultKind = "SUCCESS";
            op.Columns = [Column("result", "VARCHAR", nullable: true)];
            op.Pages = [[new FakeRow("INSERT", "OK")]];
        }

        session.Operations[op.Handle] = op;
        return FakeResponse.Ok(new JsonObject { ["operationHandle"] = op.Handle });
    }

    private static FakeResponse Status(Operation op, bool poll)
    {
        if (poll && op.State == "RUNNING")
        {
            if (op.PollsLeft-- <= 0)
            {
                op.State = op.Error is null ? "FINISHED" : "ERROR";
            }
        }

        return FakeResponse.Ok(new JsonObject { ["status"] = op.State });
    }

    private FakeResponse Fetch(FakeRequest r, Session session, Operation op)
    {
        var token = long.Parse(r.PathValues["token"], System.Globalization.CultureInfo.InvariantCulture);
        var next = (long t) => $"/v{r.ApiVersion}/sessions/{session.Handle}/operations/{op.Handle}/result/{t}" + (r.ApiVersion >= 2 ? "?rowFormat=JSON" : "");
        if (op.Error is not null && op.State is "ERROR" or "RUNNING")
        {
            op.State = "ERROR";
            return FakeResponse.InternalError(
                $"org.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.\n\tat org.apache.flink.table.gateway.rest.handler.statement.FetchResultsHandler.handleRequest(FetchResultsHandler.java:91)\nCaused by: org.apache.flink.table.api.ValidationException: {op.Error}");
        }

        // A query streams while it runs (after one NOT_READY); other statements have results only once finished.
        var notReady = op.IsQuery ? op.NotReadyOnce && token == 0 : op.State == "RUNNING";
        if (notReady)
        {
            op.NotReadyOnce = false;
            Status(op, poll: true);
            return FakeResponse.Ok(new JsonObject { ["resultType"] = "NOT_READY", ["nextResultUri"] = next(token) });
        }

        if (op.IsQuery && token >= op.Pages.Count && op.State == "RUNNING" && QueryKeepsRunning)
        {
            return FakeResponse.Ok(new JsonObject
            {
                ["resultType"] = "PAYLOAD",
                ["isQueryResult"] = true,
                ["resultKind"] = op.ResultKind,
                ["results"] = new JsonObject
                {
                    ["columns"] = new JsonArray([.. op.Columns.Select(c => c.DeepClone())]),
                    ["rowFormat"] = "JSON",
                    ["data"] = new JsonArray(),
                },
                ["nextResultUri"] = next(token),
            });
        }

        if (op.IsQuery && token >= op.Pages.Count && op.State == "RUNNING")
        {
            op.State = "FINISHED";
        }

        var body = new JsonObject
        {
            ["resultType"] = token < op.Pages.Count ? "PAYLOAD" : "EOS",
            ["isQueryResult"] = op.IsQuery,
            ["resultKind"] = op.ResultKind,
            ["results"] = new JsonObject
            {
                ["columns"] = new JsonArray([.. op.Columns.Select(c => c.DeepClone())]),
                ["rowFormat"] = "JSON",
                ["data"] = new JsonArray([.. (token < op.Pages.Count ? op.Pages[(int)token] : []).Select(Row)]),
            },
        };
        if (op.JobId is not null && ReportsJobIdField)
        {
            body["jobID"] = op.JobId;
        }

        if (token < op.Pages.Count)
        {
            body["nextResultUri"] = next(token + 1);
        }

        return FakeResponse.Ok(body);
    }

    private FakeResponse WithSession(FakeRequest r, Func<Session, FakeResponse> answer) =>
        sessions.TryGetValue(r.PathValues["session_handle"], out var session)
            ? answer(session)
            : FakeResponse.InternalError($"org.apache.flink.table.gateway.api.utils.SqlGatewayException: Session '{r.PathValues["session_handle"]}' does not exist.");

    private FakeResponse WithOperation(FakeRequest r, Func<Session, Operation, FakeResponse> answer) => WithSession(r, s =>
        s.Operations.TryGetValue(r.PathValues["operation_handle"], out var op)
            ? answer(s, op)
            : FakeResponse.InternalError($"org.apache.flink.table.gateway.api.utils.SqlGatewayException: Can not find the submitted operation in the OperationManager with the {r.PathValues["operation_handle"]}."));

    private static JsonObject Column(string name, string type, bool nullable)
    {
        var logicalType = new JsonObject { ["type"] = type, ["nullable"] = nullable };
        if (type == "VARCHAR")
        {
            logicalType["length"] = 2147483647;
        }

        return new JsonObject { ["name"] = name, ["logicalType"] = logicalType, ["comment"] = null };
    }

    private static JsonObject Row(FakeRow row) => new()
    {
        ["kind"] = row.Kind,
        ["fields"] = new JsonArray([.. row.Fields.Select(f => f switch
        {
            null => null,
            int i => JsonValue.Create(i),
            long l => JsonValue.Create(l),
            double d => JsonValue.Create(d),
            bool b => JsonValue.Create(b),
            _ => (JsonNode)JsonValue.Create(f.ToString()!),
        })]),
    };

    [GeneratedRegex("^/v([0-9]+)(?=/)")]
    private static partial Regex VersionPrefix();

    private sealed class Session(string handle, Dictionary<string, string> properties)
    {
        public string Handle { get; } = handle;

        public Dictionary<string, string> Properties { get; } = properties;

        public ConcurrentDictionary<string, Operation> Operations { get; } = new();
    }

    private sealed class Operation(string handle, int pollsRunning)
    {
        public string Handle { get; } = handle;

        public string State { get; set; } = "RUNNING";

        public int PollsLeft { get; set; } = pollsRunning;

        public string? Error { get; set; }

        public string? JobId { get; set; }

        public bool IsQuery { get; set; }

        public bool NotReadyOnce { get; set; }

        public string ResultKind { get; set; } = "SUCCESS";

        public List<JsonObject> Columns { get; set; } = [];

        public List<FakeRow[]> Pages { get; set; } = [];
    }
}
