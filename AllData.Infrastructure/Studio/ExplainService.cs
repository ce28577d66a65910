using System.Text.Json;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Studio;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Jobs;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllData.Infrastructure.Studio;

/// <summary>One node of a PostgreSQL plan.</summary>
public sealed record PlanNode(
    string NodeType,
    string? Relation,
    string? Alias,
    double? PlanRows,
    double? StartupCost,
    double? TotalCost,
    double? ActualRows,
    double? ActualTotalTime,
    IReadOnlyList<PlanNode> Children);

public sealed record ExplainResult(PlanNode Root, double? PlanningTime, double? ExecutionTime, string Json);

/// <summary>EXPLAIN (FORMAT JSON) of one statement on the job's data source; ANALYZE runs it inside a rolled-back transaction.</summary>
internal sealed class ExplainService(AppDb appDb, ScriptPreparation preparation, DatabaseSqlJobEngine databaseEngine)
{
    /// <param name="text">The editor's text (maybe unsaved).</param>
    /// <param name="offset">The statement at this offset is explained.</param>
    /// <param name="analyze">Executes the statement (the caller has asked the user to confirm).</param>
    public async Task<ExplainResult> ExplainAsync(Guid jobId, Guid dataSourceId, string text, int offset, bool analyze,
        IReadOnlyDictionary<string, string>? jobVariables = null, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "explain statements");
        var job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct) ?? throw new DomainException("That job no longer exists.");
        if (job.Type != JobType.DatabaseSql)
        {
            throw new DomainException("Explain is available for Database SQL jobs.");
        }

        var resolved = await preparation.ResolveAsync(db, jobVariables ?? job.Variables, null, ct);
        var prepared = ScriptPreparation.Prepare(text, SqlDialect.PostgreSql, resolved, script =>
            (script.StatementAt(offset) ?? script.Statements.LastOrDefault(s => s.StartOffset <= offset)) is { } found ? [found] : []);
        var statement = prepared.Picked.Count > 0 ? prepared.Picked[0] : throw new DomainException("Put the cursor in the statement to explain.");
        if (statement.Kind is not (SqlStatementKind.Query or SqlStatementKind.Dml))
        {
            throw new DomainException("Only queries and INSERT/UPDATE/DELETE can be explained.");
        }

        var sql = prepared.Statements[0].Text.TrimEnd().TrimEnd(';');
        var connectionString = await databaseEngine.ConnectionStringAsync(access.WorkspaceId, dataSourceId, ct);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand($"EXPLAIN ({(analyze ? "ANALYZE, " : string.Empty)}FORMAT JSON) {sql}", connection, tx);
        string json;
        try
        {
            json = (string)(await command.ExecuteScalarAsync(ct) ?? "[]");
        }
        catch (PostgresException e)
        {
            throw new DomainException(e.MessageText);
        }
        finally
        {
            await tx.RollbackAsync(CancellationToken.None);
        }

        return Parse(json);
    }

    internal static ExplainResult Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var top = document.RootElement[0];
        return new ExplainResult(Node(top.GetProperty("Plan")), Number(top, "Planning Time"), Number(top, "Execution Time"), json);
    }

    private static PlanNode Node(JsonElement plan) => new(
        plan.GetProperty("Node Type").GetString() ?? "?",
        plan.TryGetProperty("Relation Name", out var relation) ? Qualified(plan, relation.GetString()) : null,
        plan.TryGetProperty("Alias", out var alias) ? alias.GetString() : null,
        Number(plan, "Plan Rows"),
        Number(plan, "Startup Cost"),
        Number(plan, "Total Cost"),
        Number(plan, "Actual Rows"),
        Number(plan, "Actual Total Time"),
        plan.TryGetProperty("Plans", out var children) ? [.. children.EnumerateArray().Select(Node)] : []);

    private static string? Qualified(JsonElement plan, string? relation) =>
        plan.TryGetProperty("Schema", out var schema) ? $"{schema.GetString()}.{relation}" : relation;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
