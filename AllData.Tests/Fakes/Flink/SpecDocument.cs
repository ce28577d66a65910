using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;

namespace AllData.Tests.Fakes.Flink;

public enum SpecKind
{
    JobManager,
    SqlGateway,
}

public sealed record SpecParameter(string Name, bool Required, JsonObject Schema);

/// <summary>One method + path of a spec (or one of the untyped text handlers the spec leaves out).</summary>
public sealed class SpecOperation
{
    public required string Method { get; init; }

    public required string Template { get; init; }

    public required Regex PathPattern { get; init; }

    public required IReadOnlyList<SpecParameter> PathParameters { get; init; }

    public required IReadOnlyList<SpecParameter> QueryParameters { get; init; }

    /// <summary>Definition name of the JSON request body schema; null when the operation takes no body.</summary>
    public string? RequestBody { get; init; }

    /// <summary>Wire correction: a multipart jar upload instead of the spec's bare archive body.</summary>
    public bool MultipartJarUpload { get; init; }

    /// <summary>Status code → definition name of the response body (null: no content declared, Flink sends <c>{}</c>).</summary>
    public required IReadOnlyDictionary<int, string?> Responses { get; init; }

    /// <summary>An untyped handler returning <c>text/plain</c> (log and stdout files).</summary>
    public bool TextResponse { get; init; }

    public string Key => $"{Method} {Template}";

    public int ParameterCount => PathParameters.Count;
}

/// <summary>
/// A Flink OpenAPI spec made checkable: YAML parsed, the wire corrections of shared/flink-rest/README.md applied, every
/// object schema closed (<c>additionalProperties: false</c>, as Flink's strict Jackson mapper reads requests), id patterns
/// anchored, and all schemas compiled with NJsonSchema.
/// </summary>
public sealed class SpecDocument
{
    public const string ErrorBodyDefinition = "__error";

    private readonly JsonSchema root;
    private readonly JsonObject definitions;

    private SpecDocument(string title, SpecKind kind, List<SpecOperation> operations, JsonObject definitions)
    {
        Title = title;
        Kind = kind;
        Operations = operations;
        this.definitions = definitions;
        var json = new JsonObject { ["definitions"] = definitions.DeepClone() }.ToJsonString();
        root = JsonSchema.FromJsonAsync(json).GetAwaiter().GetResult();
    }

    public string Title { get; }

    public SpecKind Kind { get; }

    public IReadOnlyList<SpecOperation> Operations { get; }

    public static SpecDocument Load(string path, SpecKind kind)
    {
        var doc = YamlJson.Load(path)!.AsObject();
        var schemas = doc["components"]?["schemas"]?.AsObject() ?? [];
        var text = RewriteRefs(schemas.ToJsonString());
        var definitions = JsonNode.Parse(text)!.AsObject();
        ApplyWireCorrections(definitions, kind);
        CloseObjects(definitions);
        definitions[ErrorBodyDefinition] = JsonNode.Parse("""
            {"type":"object","required":["errors"],"additionalProperties":false,
             "properties":{"errors":{"type":"array","minItems":1,"items":{"type":"string"}}}}
            """);

        var operations = new List<SpecOperation>();
        foreach (var (template, item) in doc["paths"]!.AsObject())
        {
            foreach (var (method, opNode) in item!.AsObject())
            {
                var op = JsonNode.Parse(RewriteRefs(opNode!.ToJsonString()))!.AsObject();
                operations.Add(BuildOperation(method.ToUpperInvariant(), template, op, definitions, operations.Count, kind));
            }
        }

        if (kind == SpecKind.JobManager)
        {
            operations.AddRange(TextHandlers());
        }

        return new SpecDocument($"{doc["info"]?["title"]} {doc["info"]?["version"]}", kind, operations, definitions);
    }

    /// <summary>The operation for a method and raw (still encoded) path; <paramref name="pathKnown"/> tells a 405 from a 404.</summary>
    public SpecOperation? Find(string method, string rawPath, out IReadOnlyDictionary<string, string> pathValues, out bool pathKnown)
    {
        pathValues = new Dictionary<string, string>();
        pathKnown = false;
        SpecOperation? best = null;
        foreach (var op in Operations)
        {
            var match = op.PathPattern.Match(rawPath);
            if (!match.Success)
            {
                continue;
            }

            pathKnown = true;
            if (op.Method == method && (best is null || op.ParameterCount < best.ParameterCount))
            {
                best = op;
                pathValues = op.PathParameters.ToDictionary(p => p.Name, p => Uri.UnescapeDataString(match.Groups[p.Name].Value));
            }
        }

        return best;
    }

    /// <summary>Checks path and query parameters of a request against the operation.</summary>
    public IEnumerable<string> ValidateParameters(SpecOperation op, IReadOnlyDictionary<string, string> pathValues, IReadOnlyDictionary<string, string> query)
    {
        foreach (var p in op.PathParameters)
        {
            foreach (var problem in ValidateValue(p, pathValues[p.Name]))
            {
                yield return $"path parameter {p.Name}: {problem}";
            }
        }

        foreach (var (name, value) in query)
        {
            var p = op.QueryParameters.FirstOrDefault(q => q.Name == name);
            if (p is null)
            {
                yield return $"query parameter '{name}' is not in the spec";
                continue;
            }

            // Flink's query parameters are comma-separated lists, parsed element by element.
            foreach (var element in value.Split(','))
            {
                foreach (var problem in ValidateValue(p, element))
                {
                    yield return $"query parameter {name}: {problem}";
                }
            }
        }

        foreach (var p in op.QueryParameters.Where(p => p.Required && !query.ContainsKey(p.Name)))
        {
            yield return $"required query parameter '{p.Name}' is missing";
        }
    }

    /// <summary>Validates a JSON text against a definition; each problem is one line.</summary>
    public IEnumerable<string> ValidateJson(string definition, string json)
    {
        JsonDocument.Parse(json).Dispose();
        return Flatten(root.Definitions[definition].Validate(json)).Select(e => $"{e.Path}: {e.Kind}");
    }

    /// <summary>NJsonSchema nests the errors of array items and sub-schemas; the leaves say what is wrong.</summary>
    private static IEnumerable<NJsonSchema.Validation.ValidationError> Flatten(IEnumerable<NJsonSchema.Validation.ValidationError> errors) =>
        errors.SelectMany(e => e is NJsonSchema.Validation.ChildSchemaValidationError child && child.Errors.Values.Any(v => v.Count > 0)
            ? Flatten(child.Errors.Values.SelectMany(v => v))
            : [e]);

    private IEnumerable<string> ValidateValue(SpecParameter p, string value)
    {
        var schema = Resolve(p.Schema);
        if (schema["enum"] is JsonArray values)
        {
            // Flink upper-cases enum parameters before parsing (mode=cancel, agg=sum).
            if (!values.Any(v => string.Equals(v?.GetValue<string>(), value, StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"'{value}' is not one of [{string.Join(", ", values)}]";
            }

            yield break;
        }

        switch (schema["type"]?.GetValue<string>())
        {
            case "integer" when !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _):
                yield return $"'{value}' is not an integer";
                break;
            case "boolean" when value is not ("true" or "false"):
                yield return $"'{value}' is not a boolean";
                break;
            case "string" when schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(value, pattern):
                yield return $"'{value}' does not match {pattern}";
                break;
            case "string" when schema["format"]?.GetValue<string>() == "uuid" && !Guid.TryParse(value, out _):
                yield return $"'{value}' is not a UUID";
                break;
        }
    }

    private JsonObject Resolve(JsonObject schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? Resolve(definitions[reference["#/definitions/".Length..]]!.AsObject())
            : schema;

    private static string RewriteRefs(string json) => json.Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);

    private static SpecOperation BuildOperation(string method, string template, JsonObject op, JsonObject definitions, int index, SpecKind kind)
    {
        var parameters = (op["parameters"]?.AsArray() ?? []).Select(p => p!.AsObject()).ToList();
        SpecParameter Param(JsonObject p) => new(p["name"]!.GetValue<string>(), p["required"]?.GetValue<bool>() ?? false, p["schema"]!.AsObject());

        string? requestBody = null;
        var multipart = false;
        if (op["requestBody"]?["content"]?.AsObject() is { } content)
        {
            if (content["application/json"]?["schema"] is { } schema)
            {
                requestBody = $"__op{index}_request";
                definitions[requestBody] = Close(schema.DeepClone());
            }
            else if (kind == SpecKind.JobManager && template == "/jars/upload")
            {
                multipart = true;
            }
        }

        var responses = new Dictionary<int, string?>();
        foreach (var (status, response) in op["responses"]?.AsObject() ?? [])
        {
            string? name = null;
            if (response?["content"]?["application/json"]?["schema"] is { } schema)
            {
                name = $"__op{index}_{status}";
                definitions[name] = Close(schema.DeepClone());
            }

            responses[int.Parse(status, CultureInfo.InvariantCulture)] = name;
        }

        var pathParameters = parameters.Where(p => p["in"]?.GetValue<string>() == "path").Select(Param).ToList();
        return new SpecOperation
        {
            Method = method,
            Template = template,
            PathPattern = TemplatePattern(template),
            PathParameters = pathParameters,
            QueryParameters = [.. parameters.Where(p => p["in"]?.GetValue<string>() == "query").Select(Param)],
            RequestBody = requestBody,
            MultipartJarUpload = multipart,
            Responses = responses,
        };
    }

    /// <summary>The untyped log/stdout handlers: real on every Flink, absent from the spec (README item 3).</summary>
    private static IEnumerable<SpecOperation> TextHandlers()
    {
        var text = new JsonObject { ["type"] = "string" };
        foreach (var template in new[]
        {
            "/jobmanager/log", "/jobmanager/stdout", "/jobmanager/logs/{filename}",
            "/taskmanagers/{taskmanagerid}/log", "/taskmanagers/{taskmanagerid}/stdout", "/taskmanagers/{taskmanagerid}/logs/{filename}",
        })
        {
            yield return new SpecOperation
            {
                Method = "GET",
                Template = template,
                PathPattern = TemplatePattern(template),
                PathParameters = [.. Regex.Matches(template, "{([a-z]+)}").Select(m => new SpecParameter(m.Groups[1].Value, true, (JsonObject)text.DeepClone()))],
                QueryParameters = [],
                Responses = new Dictionary<int, string?> { [200] = null },
                TextResponse = true,
            };
        }
    }

    private static Regex TemplatePattern(string template) => new(
        "^" + Regex.Replace(Regex.Escape(template).Replace(@"\{", "{", StringComparison.Ordinal), "{([a-z_]+)}", "(?<$1>[^/]+)") + "$",
        RegexOptions.CultureInvariant);

    /// <summary>Where the wire differs from the spec (shared/flink-rest/README.md), the wire wins.</summary>
    private static void ApplyWireCorrections(JsonObject d, SpecKind kind)
    {
        void Set(string name, string json)
        {
            if (d.ContainsKey(name))
            {
                d[name] = JsonNode.Parse(json);
            }
        }

        if (kind == SpecKind.JobManager)
        {
            // 2: metric bodies are bare arrays.
            Set("MetricCollectionResponseBody", """
                {"type":"array","items":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},"value":{"type":"string"}}}}
                """);
            Set("AggregatedMetricsResponseBody", """
                {"type":"array","items":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},
                 "min":{"type":"number"},"max":{"type":"number"},"avg":{"type":"number"},"sum":{"type":"number"},"skew":{"type":"number"}}}}
                """);

            // 6: ids modelled as objects are plain strings; a TaskManager id is opaque.
            Set("ResourceID", """{"type":"string","minLength":1}""");
            foreach (var name in new[] { "ApplicationID", "SlotSharingGroupId", "RescaleUUID" })
            {
                if (d[name]?["type"]?.GetValue<string>() == "object")
                {
                    Set(name, """{"type":"string"}""");
                }
            }

            // 7: SerializedThrowable as sent.
            Set("SerializedThrowable", """
                {"type":"object","required":["class"],"properties":{"class":{"type":"string"},"stack-trace":{"type":"string"},
                 "serialized-throwable":{"type":"string"}}}
                """);

            // The spec's oneOf alternatives have no required fields, so a savepoint result matches several: any of them will do.
            if (d["AsynchronousOperationResult"]?["properties"]?["operation"] is JsonObject operation && operation["oneOf"] is { } oneOf)
            {
                operation.Remove("oneOf");
                operation["anyOf"] = oneOf.DeepClone();
            }

            // 10: JobConfigInfo as sent.
            Set("JobConfigInfo", """
                {"type":"object","properties":{"jid":{"type":"string"},"name":{"type":"string"},
                 "execution-config":{"type":"object","additionalProperties":true}}}
                """);
        }
        else
        {
            // 6: SQL handles are UUID strings.
            Set("SessionHandle", """{"type":"string","format":"uuid"}""");
            Set("OperationHandle", """{"type":"string","format":"uuid"}""");

            // 5: the fetch-results body as sent.
            Set("FetchResultsResponseBody", """
                {"type":"object","required":["resultType"],"properties":{
                  "resultType":{"$ref":"#/definitions/ResultType"},
                  "isQueryResult":{"type":"boolean"},
                  "jobID":{"$ref":"#/definitions/JobID"},
                  "resultKind":{"$ref":"#/definitions/ResultKind"},
                  "nextResultUri":{"type":"string","pattern":"^/v[1-9]/sessions/"},
                  "results":{"type":"object","required":["columns","data"],"properties":{
                    "columns":{"type":"array","items":{"type":"object","required":["name","logicalType"],"properties":{
                      "name":{"type":"string"},
                      "logicalType":{"type":"object","required":["type","nullable"],"additionalProperties":true,
                        "properties":{"type":{"$ref":"#/definitions/LogicalTypeRoot"},"nullable":{"type":"boolean"}}},
                      "comment":{"type":["string","null"]}}}},
                    "rowFormat":{"$ref":"#/definitions/RowFormat"},
                    "data":{"type":"array","items":{"type":"object","required":["kind","fields"],"properties":{
                      "kind":{"$ref":"#/definitions/RowKind"},"fields":{"type":"array"}}}}}}}}
                """);
        }

        // JSON Schema patterns are unanchored; Flink parses ids whole.
        foreach (var node in Descendants(d).OfType<JsonObject>())
        {
            if (node["pattern"] is JsonValue p && p.GetValue<string>() is { } pattern && !pattern.StartsWith('^'))
            {
                node["pattern"] = $"^(?:{pattern})$";
            }
        }
    }

    /// <summary>Closes object schemas, except those in an inheritance (discriminator/allOf), where closing breaks the subtypes.</summary>
    private static void CloseObjects(JsonObject definitions)
    {
        var open = new HashSet<string>();
        foreach (var node in Descendants(definitions).OfType<JsonObject>())
        {
            foreach (var part in node["allOf"]?.AsArray() ?? [])
            {
                if (part?["$ref"]?.GetValue<string>() is { } reference)
                {
                    open.Add(reference["#/definitions/".Length..]);
                }
            }
        }

        foreach (var (name, schema) in definitions.ToList())
        {
            if (!open.Contains(name) && schema is JsonObject obj)
            {
                Close(obj);
            }
        }
    }

    private static JsonNode Close(JsonNode schema)
    {
        if (schema is not JsonObject obj || obj.ContainsKey("discriminator") || obj.ContainsKey("allOf"))
        {
            return schema;
        }

        if (obj["properties"] is JsonObject properties)
        {
            if (!obj.ContainsKey("additionalProperties"))
            {
                obj["additionalProperties"] = false;
            }

            foreach (var (_, property) in properties)
            {
                if (property is not null)
                {
                    Close(property);
                }
            }
        }

        foreach (var key in new[] { "items", "additionalProperties" })
        {
            if (obj[key] is JsonObject inner)
            {
                Close(inner);
            }
        }

        foreach (var key in new[] { "anyOf", "oneOf" })
        {
            foreach (var inner in obj[key]?.AsArray() ?? [])
            {
                if (inner is not null)
                {
                    Close(inner);
                }
            }
        }

        return schema;
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(kv => kv.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().ToList())
        {
            foreach (var d in Descendants(child))
            {
                yield return d;
            }
        }
    }
}
