using System.Globalization;
using System.Text.Json;
using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Infrastructure.Studio;
using MySqlConnector;

namespace AllData.Infrastructure.Sources.MySql;

/// <summary>
/// <c>EXPLAIN FORMAT=JSON</c> of one statement as a plan tree. With ANALYZE, MariaDB's <c>ANALYZE FORMAT=JSON</c> runs the
/// statement inside a transaction that is rolled back (actual rows and times per table); MySQL 8 has no JSON form of
/// EXPLAIN ANALYZE before 8.3, so there it is refused with a message.
/// </summary>
internal sealed class MySqlPlanExplainer : IPlanExplainer
{
    /// <summary>Objects that describe a plan node rather than being one.</summary>
    private static readonly HashSet<string> Attributes = new(StringComparer.Ordinal)
    {
        "cost_info", "used_columns", "possible_keys", "used_key_parts", "key_length", "ref", "attached_condition", "filesort_key",
        "r_engine_stats", "index_condition", "pushed_index_condition",
    };

    public DataSourceKind Kind => DataSourceKind.MySql;

    public async Task<ExplainResult> ExplainAsync(string connectionString, string sql, bool analyze, CancellationToken ct)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var mariaDb = connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        if (analyze && !mariaDb)
        {
            throw new DomainException("EXPLAIN ANALYZE as a plan tree needs MariaDB; on MySQL use Explain without analyze.");
        }

        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new MySqlCommand($"{(analyze ? "ANALYZE" : "EXPLAIN")} FORMAT=JSON {sql}", connection, tx) { CommandTimeout = 300 };
        string json;
        try
        {
            json = Convert.ToString(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) ?? "{}";
        }
        catch (MySqlException e)
        {
            throw new DomainException(e.Message);
        }
        finally
        {
            await tx.RollbackAsync(CancellationToken.None);
        }

        return Parse(json);
    }

    /// <summary>Reads MySQL's or MariaDB's JSON plan (their shapes differ) into one tree.</summary>
    internal static ExplainResult Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var block = root.TryGetProperty("query_block", out var qb) ? qb : root;
        var node = Node("query_block", block);
        return new ExplainResult(node, null, Number(block, "r_total_time_ms"), json);
    }

    private static PlanNode Node(string name, JsonElement element)
    {
        var children = new List<PlanNode>();
        foreach (var property in element.EnumerateObject())
        {
            if (Attributes.Contains(property.Name))
            {
                continue;
            }

            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    children.Add(Node(property.Name, property.Value));
                    break;
                case JsonValueKind.Array when property.Value.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object):
                    var items = property.Value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(Unwrap).ToList();
                    children.Add(new PlanNode(property.Name, null, null, null, null, null, null, null, items));
                    break;
            }
        }

        var isTable = name == "table";
        var access = Text(element, "access_type");
        var key = Text(element, "key");
        var type = isTable
            ? (access is null ? "table" : access + (key is null ? string.Empty : $" using {key}"))
            : name + (element.TryGetProperty("select_id", out var id) ? $" #{id}" : string.Empty);
        var cost = element.TryGetProperty("cost_info", out var costInfo)
            ? Number(costInfo, "query_cost") ?? Number(costInfo, "prefix_cost")
            : Number(element, "cost");
        return new PlanNode(
            type,
            isTable ? Text(element, "table_name") : null,
            null,
            Number(element, "rows") ?? Number(element, "rows_examined_per_scan"),
            null,
            cost,
            Number(element, "r_rows"),
            Number(element, "r_total_time_ms") ?? Number(element, "r_table_time_ms"),
            children);
    }

    /// <summary>An array item like <c>{"table": {…}}</c> is that one node.</summary>
    private static PlanNode Unwrap(JsonElement item)
    {
        var properties = item.EnumerateObject().ToList();
        return properties is [{ Value.ValueKind: JsonValueKind.Object } only] ? Node(only.Name, only.Value) : Node("step", item);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }
}
