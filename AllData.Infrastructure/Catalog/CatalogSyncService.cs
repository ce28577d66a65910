using System.Diagnostics;
using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace AllData.Infrastructure.Catalog;

/// <summary>The outcome of one sync, as the UI shows it.</summary>
public sealed record CatalogSyncResult(
    Guid RunId,
    SyncStatus Status,
    int Tables,
    int Columns,
    int QueryCount,
    TimeSpan Duration,
    IReadOnlyList<CatalogChangeItem> Changes,
    string? Error)
{
    /// <summary>Where the time went (read, load, compare, write), for diagnostics and the benchmark.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Phases { get; init; } = new Dictionary<string, TimeSpan>();
}

/// <summary>
/// Reads a source's catalog, compares it in memory with the stored one and applies the difference in one
/// transaction with bulk statements (binary COPY and set-based updates), never entity by entity.
/// </summary>
internal sealed class CatalogSyncService(
    AppDb appDb, DataSourceSecrets secrets, CatalogReaders readers, TimeProvider clock, ILogger<CatalogSyncService> logger)
{
    private const int AnalyzeThreshold = 2000;

    public async Task<CatalogSyncResult> SyncAsync(Guid workspaceId, Guid dataSourceId, IProgress<SyncProgress>? progress, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        DataSource source;
        CatalogSyncRun run;
        await using (var db = await appDb.ForWorkspaceAsync(workspaceId, ct))
        {
            source = await db.Set<DataSource>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == dataSourceId, ct)
                ?? throw new DomainException("The data source does not exist.");
            source.EnsureEnabled();
            run = new CatalogSyncRun(workspaceId, dataSourceId, clock.GetUtcNow());
            db.Add(run);
            await db.SaveChangesAsync(ct);
        }

        var queries = 0;
        try
        {
            progress?.Report(new SyncProgress("connecting", 0));
            var phases = new Dictionary<string, TimeSpan>();
            var phase = Stopwatch.StartNew();
            var read = await readers.For(source.Kind).ReadAsync(secrets.ConnectionOf(source), progress, ct);
            phases["read"] = phase.Elapsed;
            queries = read.QueryCount;
            progress?.Report(new SyncProgress("comparing", 60));
            var changes = await ApplyAsync(workspaceId, source.Id, run, read, progress, phases, ct);
            progress?.Report(new SyncProgress("done", 100));
            logger.LogInformation("Synced the catalog of data source {DataSourceId}: {Tables} tables, {Changes} changes, {Queries} catalog queries in {Elapsed} ms",
                dataSourceId, read.Snapshot.Tables.Count, changes.Count, queries, watch.ElapsedMilliseconds);
            return new CatalogSyncResult(run.Id, SyncStatus.Succeeded, read.Snapshot.Tables.Count,
                read.Snapshot.Tables.Sum(t => t.Columns.Count), queries, watch.Elapsed, changes, null) { Phases = phases };
        }
        catch (Exception e) when (e is NpgsqlException or MySqlConnector.MySqlException or TimeoutException or IOException or DomainException or InvalidOperationException
                                       || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var error = e is DomainException ? e.Message : DescribeFailure(readers.For(source.Kind), e);
            logger.LogWarning("Sync of data source {DataSourceId} failed: {Error}", dataSourceId, error);
            await using var db = await appDb.ForWorkspaceAsync(workspaceId, CancellationToken.None);
            var stored = await db.Set<CatalogSyncRun>().FirstAsync(r => r.Id == run.Id, CancellationToken.None);
            stored.Fail(clock.GetUtcNow(), error, queries);
            await db.SaveChangesAsync(CancellationToken.None);
            return new CatalogSyncResult(run.Id, SyncStatus.Failed, 0, 0, queries, watch.Elapsed, [], error);
        }
    }

    private static string DescribeFailure(ICatalogReader reader, Exception e)
    {
        var classified = reader.Classify(e);
        return classified.Failure switch
        {
            ConnectionFailure.Other => $"Could not read the catalog: {classified.Message}",
            _ => $"Could not read the catalog: {classified.Failure} ({classified.Message})",
        };
    }

    private async Task<IReadOnlyList<CatalogChangeItem>> ApplyAsync(Guid workspaceId, Guid dataSourceId, CatalogSyncRun run,
        CatalogReadResult read, IProgress<SyncProgress>? progress, Dictionary<string, TimeSpan> phases, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var phase = Stopwatch.StartNew();
        await using var db = await appDb.ForWorkspaceAsync(workspaceId, ct);
        await db.Database.OpenConnectionAsync(ct);
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ntx = (NpgsqlTransaction)tx.GetDbTransaction();

        // One sync per source at a time; the stored state is read under the lock.
        await Execute(conn, ntx, "SELECT pg_advisory_xact_lock(hashtext(@id))", ct, ("id", dataSourceId.ToString()));

        var storedTables = await db.Set<CatalogTable>().AsNoTracking().Where(t => t.DataSourceId == dataSourceId).ToListAsync(ct);
        var storedColumns = (await db.Set<CatalogColumn>().AsNoTracking().Where(c => c.DataSourceId == dataSourceId).ToListAsync(ct))
            .ToLookup(c => c.TableId);
        phases["load"] = phase.Elapsed;
        phase.Restart();
        var snapshot = read.Snapshot;
        var changes = CatalogDiff.Compute(storedTables.Select(t => t.ToSnapshot(storedColumns[t.Id])), snapshot.Tables);

        var byKey = storedTables.ToDictionary(t => t.Key);
        var newTables = new List<CatalogTable>();
        var refreshedTables = new List<CatalogTable>();
        var newColumns = new List<CatalogColumn>();
        var changedColumns = new List<CatalogColumn>();
        var removedColumns = new List<Guid>();
        foreach (var table in snapshot.Tables)
        {
            if (!byKey.Remove(table.Key, out var stored))
            {
                var created = new CatalogTable(workspaceId, dataSourceId, table, at);
                newTables.Add(created);
                newColumns.AddRange(table.Columns.Select(c => new CatalogColumn(workspaceId, dataSourceId, created.Id, c)));
                continue;
            }

            var before = TableState(stored);
            stored.Refresh(table, at);
            if (TableState(stored) != before)
            {
                refreshedTables.Add(stored);
            }

            var columns = storedColumns[stored.Id].ToDictionary(c => c.Name, StringComparer.Ordinal);
            foreach (var column in table.Columns)
            {
                if (!columns.Remove(column.Name, out var existing))
                {
                    newColumns.Add(new CatalogColumn(workspaceId, dataSourceId, stored.Id, column));
                }
                else if (existing.ToSnapshot() != column)
                {
                    existing.Refresh(column);
                    changedColumns.Add(existing);
                }
            }

            removedColumns.AddRange(columns.Values.Select(c => c.Id));
        }

        phases["compare"] = phase.Elapsed;
        phase.Restart();
        progress?.Report(new SyncProgress("saving", 75));
        var removedTables = byKey.Values.Select(t => t.Id).ToArray();
        await Execute(conn, ntx, "DELETE FROM catalog_tables WHERE id = ANY(@ids)", ct, ("ids", removedTables));
        await Execute(conn, ntx, "DELETE FROM catalog_columns WHERE id = ANY(@ids)", ct, ("ids", removedColumns.ToArray()));
        await Execute(conn, ntx, "DELETE FROM catalog_schemas WHERE data_source_id = @id", ct, ("id", dataSourceId));
        await CatalogBulk.WriteSchemasAsync(conn, snapshot.Schemas.Select(s => new CatalogSchema(workspaceId, dataSourceId, s.Name, s.Comment)), ct);
        await CatalogBulk.WriteTablesAsync(conn, "catalog_tables", newTables, ct);
        await CatalogBulk.WriteColumnsAsync(conn, "catalog_columns", newColumns, ct);
        await CatalogBulk.UpdateTablesAsync(conn, ntx, refreshedTables, ct);
        await CatalogBulk.UpdateColumnsAsync(conn, ntx, changedColumns, ct);
        await CatalogBulk.WriteChangesAsync(conn, changes.Select(c => new CatalogChange(workspaceId, dataSourceId, run.Id, at, c)), ct);

        var tracked = await db.Set<CatalogSyncRun>().FirstAsync(r => r.Id == run.Id, ct);
        tracked.Succeed(clock.GetUtcNow(), snapshot.Tables.Count, snapshot.Tables.Sum(t => t.Columns.Count), read.QueryCount, changes);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (newColumns.Count + removedColumns.Count + changedColumns.Count > AnalyzeThreshold)
        {
            // Fresh statistics right after a bulk load, so search plans use the name and trigram indexes at once.
            await Execute(conn, null, "ANALYZE catalog_tables; ANALYZE catalog_columns", ct);
        }

        phases["write"] = phase.Elapsed;
        return changes;
    }

    /// <summary>The synced state of a table; a table whose state did not change is not rewritten.</summary>
    private static string TableState(CatalogTable t) => CatalogJson.Write(new
    {
        t.Kind, t.Comment, t.EstimatedRows, t.TotalBytes, t.Definition, t.PartitionKey, t.PrimaryKey, t.UniqueConstraints, t.ForeignKeys, t.Indexes,
    });

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Binary COPY writers and set-based updates for the catalog tables.</summary>
internal static class CatalogBulk
{
    private const string TableColumns =
        "id, workspace_id, data_source_id, schema_name, name, kind, comment, estimated_rows, total_bytes, definition, partition_key, "
        + "primary_key, unique_constraints, foreign_keys, indexes, description, tags, owner, search_text, first_seen_at, last_synced_at";

    private const string ColumnColumns =
        "id, workspace_id, data_source_id, table_id, position, name, data_type, is_nullable, \"default\", generation, comment, description, tags, search_text";

    public static async Task WriteSchemasAsync(NpgsqlConnection conn, IEnumerable<CatalogSchema> schemas, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            "COPY catalog_schemas (id, workspace_id, data_source_id, name, comment) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var s in schemas)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(s.WorkspaceId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(s.DataSourceId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(s.Name, NpgsqlDbType.Text, ct);
            await Nullable(copy, s.Comment, NpgsqlDbType.Text, ct);
        }

        await copy.CompleteAsync(ct);
    }

    public static async Task WriteTablesAsync(NpgsqlConnection conn, string target, IReadOnlyCollection<CatalogTable> tables, CancellationToken ct)
    {
        if (tables.Count == 0)
        {
            return;
        }

        await using var copy = await conn.BeginBinaryImportAsync($"COPY {target} ({TableColumns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var t in tables)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(t.Id, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(t.WorkspaceId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(t.DataSourceId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(t.SchemaName, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(t.Name, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(t.Kind.ToString(), NpgsqlDbType.Varchar, ct);
            await Nullable(copy, t.Comment, NpgsqlDbType.Text, ct);
            await Nullable(copy, t.EstimatedRows, NpgsqlDbType.Bigint, ct);
            await Nullable(copy, t.TotalBytes, NpgsqlDbType.Bigint, ct);
            await Nullable(copy, t.Definition, NpgsqlDbType.Text, ct);
            await Nullable(copy, t.PartitionKey, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(CatalogJson.Write(t.PrimaryKey), NpgsqlDbType.Jsonb, ct);
            await copy.WriteAsync(CatalogJson.Write(t.UniqueConstraints), NpgsqlDbType.Jsonb, ct);
            await copy.WriteAsync(CatalogJson.Write(t.ForeignKeys), NpgsqlDbType.Jsonb, ct);
            await copy.WriteAsync(CatalogJson.Write(t.Indexes), NpgsqlDbType.Jsonb, ct);
            await Nullable(copy, t.Description, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(t.Tags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            await Nullable(copy, t.Owner, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(t.SearchText, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(t.FirstSeenAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(t.LastSyncedAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
        }

        await copy.CompleteAsync(ct);
    }

    public static async Task WriteColumnsAsync(NpgsqlConnection conn, string target, IReadOnlyCollection<CatalogColumn> columns, CancellationToken ct)
    {
        if (columns.Count == 0)
        {
            return;
        }

        await using var copy = await conn.BeginBinaryImportAsync($"COPY {target} ({ColumnColumns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var c in columns)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(c.WorkspaceId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(c.DataSourceId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(c.TableId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(c.Position, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(c.Name, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(c.DataType, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(c.IsNullable, NpgsqlDbType.Boolean, ct);
            await Nullable(copy, c.Default, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(c.Generation.ToString(), NpgsqlDbType.Varchar, ct);
            await Nullable(copy, c.Comment, NpgsqlDbType.Text, ct);
            await Nullable(copy, c.Description, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(c.Tags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            await copy.WriteAsync(c.SearchText, NpgsqlDbType.Text, ct);
        }

        await copy.CompleteAsync(ct);
    }

    public static async Task UpdateTablesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<CatalogTable> tables, CancellationToken ct)
    {
        if (tables.Count == 0)
        {
            return;
        }

        await Run(conn, tx, "CREATE TEMP TABLE sync_tables (LIKE catalog_tables) ON COMMIT DROP", ct);
        await WriteTablesAsync(conn, "sync_tables", tables, ct);
        await Run(conn, tx, """
            UPDATE catalog_tables t SET kind = s.kind, comment = s.comment, estimated_rows = s.estimated_rows,
                total_bytes = s.total_bytes, definition = s.definition, partition_key = s.partition_key,
                primary_key = s.primary_key, unique_constraints = s.unique_constraints, foreign_keys = s.foreign_keys,
                indexes = s.indexes, search_text = s.search_text, last_synced_at = s.last_synced_at
            FROM sync_tables s WHERE t.id = s.id
            """, ct);
    }

    public static async Task UpdateColumnsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<CatalogColumn> columns, CancellationToken ct)
    {
        if (columns.Count == 0)
        {
            return;
        }

        await Run(conn, tx, "CREATE TEMP TABLE sync_columns (LIKE catalog_columns) ON COMMIT DROP", ct);
        await WriteColumnsAsync(conn, "sync_columns", columns, ct);
        await Run(conn, tx, """
            UPDATE catalog_columns c SET position = s.position, data_type = s.data_type, is_nullable = s.is_nullable,
                "default" = s."default", generation = s.generation, comment = s.comment, search_text = s.search_text
            FROM sync_columns s WHERE c.id = s.id
            """, ct);
    }

    public static async Task WriteChangesAsync(NpgsqlConnection conn, IEnumerable<CatalogChange> changes, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            "COPY catalog_changes (id, workspace_id, data_source_id, sync_run_id, at, kind, schema_name, table_name, column_name, aspects, before, after) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var c in changes)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(c.WorkspaceId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(c.DataSourceId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(c.SyncRunId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(c.At.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(c.Kind.ToString(), NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(c.SchemaName, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(c.TableName, NpgsqlDbType.Text, ct);
            await Nullable(copy, c.ColumnName, NpgsqlDbType.Text, ct);
            await copy.WriteAsync((int)c.Aspects, NpgsqlDbType.Integer, ct);
            await Nullable(copy, c.Before, NpgsqlDbType.Text, ct);
            await Nullable(copy, c.After, NpgsqlDbType.Text, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private static async Task Nullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(ct);
        }
        else
        {
            await copy.WriteAsync(value, type, ct);
        }
    }

    private static async Task Nullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct
    {
        if (value is { } v)
        {
            await copy.WriteAsync(v, type, ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }
    }

    private static async Task Run(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
