using System.Data;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using AllData.Domain.Catalog;
using AllData.Domain.Common;
using Npgsql;

namespace AllData.Infrastructure.Catalog;

/// <summary>
/// Reads PostgreSQL's pg_catalog: five bulk queries for the whole database, never one per table. Row counts and
/// sizes are the planner's estimates (pg_class.reltuples and relpages of table, TOAST and indexes, as of the last
/// VACUUM/ANALYZE): pg_total_relation_size would stat every file of every table, seconds on a 5,000-table database.
/// </summary>
internal sealed class PostgresCatalogReader : ICatalogReader
{
    public const int PreviewTimeoutSeconds = 10;
    public const int ProfileTimeoutSeconds = 120;

    private const string SchemaFilter =
        "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";

    private const string RelationFilter = "c.relkind IN ('r', 'v', 'm', 'p', 'f') AND " + SchemaFilter;

    private const string SchemasSql = $"""
        SELECT n.nspname, d.description
        FROM pg_namespace n
        LEFT JOIN pg_description d ON d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0
        WHERE {SchemaFilter}
        ORDER BY n.nspname
        """;

    private const string RelationsSql = $"""
        SELECT c.oid, n.nspname, c.relname, c.relkind, d.description,
               CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END,
               CASE WHEN c.relkind IN ('r', 'm', 'p')
                    THEN (c.relpages::bigint + coalesce(t.relpages, 0) + coalesce(ix.pages, 0)) * current_setting('block_size')::bigint END,
               CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
               CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
        LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
        LEFT JOIN (SELECT i.indrelid, sum(ic.relpages)::bigint AS pages FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid GROUP BY i.indrelid) ix
               ON ix.indrelid = c.oid
        WHERE {RelationFilter}
        """;

    private const string ColumnsSql = $"""
        SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
               pg_get_expr(ad.adbin, ad.adrelid), a.attidentity::text, a.attgenerated::text, d.description
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND {RelationFilter}
        ORDER BY a.attrelid, a.attnum
        """;

    private const string ConstraintsSql = $"""
        SELECT con.conrelid, con.conname, con.contype::text,
               ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[],
               rn.nspname, rc.relname,
               ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[],
               con.confupdtype::text, con.confdeltype::text
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_class rc ON rc.oid = con.confrelid
        LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
        WHERE con.contype IN ('p', 'u', 'f') AND {RelationFilter}
        ORDER BY con.conrelid, con.conname
        """;

    private const string IndexesSql = $"""
        SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid), i.indisunique, i.indisprimary,
               EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {RelationFilter}
        ORDER BY i.indrelid, ic.relname
        """;

    public DataSourceKind Kind => DataSourceKind.PostgreSql;

    public string ConnectionString(SourceConnection connection, int connectTimeoutSeconds, bool pooling, string applicationName) =>
        connection.ToNpgsql(connectTimeoutSeconds, pooling, applicationName);

    ConnectionTestResult ICatalogReader.Classify(Exception e) => Classify(e);

    public async Task<ConnectionTestResult> TestConnectionAsync(SourceConnection connection, CancellationToken ct)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connection.ToNpgsql(connectTimeoutSeconds: 5, pooling: false, "AllData connection test"));
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT 1", conn) { CommandTimeout = 5 };
            var watch = Stopwatch.StartNew();
            await cmd.ExecuteScalarAsync(ct);
            watch.Stop();
            var version = conn.PostgreSqlVersion.ToString();
            var banner = conn.ServerVersion;
            return new ConnectionTestResult(true, $"PostgreSQL {banner}".Trim(), watch.Elapsed, ConnectionFailure.None, version);
        }
        catch (DomainException e)
        {
            return ConnectionTestResult.Failed(ConnectionFailure.InvalidSettings, e.Message);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return Classify(e);
        }
    }

    /// <summary>Turns a connection exception into a precise, user-facing reason.</summary>
    internal static ConnectionTestResult Classify(Exception e)
    {
        if (e is PostgresException pg)
        {
            var failure = pg.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword => ConnectionFailure.AuthenticationFailed,
                PostgresErrorCodes.InvalidCatalogName => ConnectionFailure.DatabaseDoesNotExist,
                PostgresErrorCodes.InvalidAuthorizationSpecification when pg.MessageText.Contains("SSL off", StringComparison.OrdinalIgnoreCase)
                    || pg.MessageText.Contains("no encryption", StringComparison.OrdinalIgnoreCase) => ConnectionFailure.SslRequired,
                PostgresErrorCodes.InvalidAuthorizationSpecification => ConnectionFailure.AuthenticationFailed,
                _ => ConnectionFailure.Other,
            };
            return ConnectionTestResult.Failed(failure, $"{pg.SqlState}: {pg.MessageText}");
        }

        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return ConnectionTestResult.Failed(ConnectionFailure.ConnectionRefused, inner.Message);
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return ConnectionTestResult.Failed(ConnectionFailure.HostUnreachable, $"The host name could not be resolved: {inner.Message}");
                case SocketException { SocketErrorCode: SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown }:
                    return ConnectionTestResult.Failed(ConnectionFailure.HostUnreachable, inner.Message);
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                case TimeoutException:
                    return ConnectionTestResult.Failed(ConnectionFailure.Timeout, "The server did not answer in time.");
                case OperationCanceledException:
                    return ConnectionTestResult.Failed(ConnectionFailure.Timeout, "The server did not answer in time.");
            }
        }

        var message = e.Message;
        if (message.Contains("does not support SSL", StringComparison.OrdinalIgnoreCase)
            || message.Contains("SSL connection is not supported", StringComparison.OrdinalIgnoreCase))
        {
            return ConnectionTestResult.Failed(ConnectionFailure.SslNotSupported, message);
        }

        return message.Contains("Timeout", StringComparison.OrdinalIgnoreCase)
            ? ConnectionTestResult.Failed(ConnectionFailure.Timeout, message)
            : ConnectionTestResult.Failed(ConnectionFailure.Other, message);
    }

    public async Task<CatalogReadResult> ReadAsync(SourceConnection connection, IProgress<SyncProgress>? progress, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connection.ToNpgsql(connectTimeoutSeconds: 10));
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var queries = 0;

        async Task Each(string sql, string stage, int percent, Action<NpgsqlDataReader> row)
        {
            progress?.Report(new SyncProgress(stage, percent));
            await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 120 };
            queries++;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                row(reader);
            }
        }

        var schemas = new List<SchemaSnapshot>();
        await Each(SchemasSql, "schemas", 5, r => schemas.Add(new(r.GetString(0), Text(r, 1))));

        var relations = new Dictionary<uint, Relation>();
        await Each(RelationsSql, "tables", 15, r => relations[r.GetFieldValue<uint>(0)] = new Relation(
            r.GetString(1), r.GetString(2), KindOf(r.GetChar(3)), Text(r, 4), Long(r, 5), Long(r, 6), Text(r, 7), Text(r, 8)));

        await Each(ColumnsSql, "columns", 30, r =>
        {
            if (!relations.TryGetValue(r.GetFieldValue<uint>(0), out var rel))
            {
                return;
            }

            var identity = Text(r, 6);
            var generated = Text(r, 7);
            var generation = identity switch
            {
                "a" => ColumnGeneration.IdentityAlways,
                "d" => ColumnGeneration.IdentityByDefault,
                _ when generated == "s" => ColumnGeneration.Stored,
                _ => ColumnGeneration.None,
            };
            rel.Columns.Add(new ColumnSnapshot(r.GetInt16(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), Text(r, 5), generation, Text(r, 8)));
        });

        await Each(ConstraintsSql, "constraints", 45, r =>
        {
            if (!relations.TryGetValue(r.GetFieldValue<uint>(0), out var rel))
            {
                return;
            }

            var name = r.GetString(1);
            var columns = r.GetFieldValue<string[]>(3);
            switch (Text(r, 2))
            {
                case "p":
                    rel.PrimaryKey = new KeyConstraint(name, columns);
                    break;
                case "u":
                    rel.Uniques.Add(new KeyConstraint(name, columns));
                    break;
                default:
                    rel.ForeignKeys.Add(new ForeignKey(name, columns, r.GetString(4), r.GetString(5), r.GetFieldValue<string[]>(6),
                        Action(Text(r, 7)), Action(Text(r, 8))));
                    break;
            }
        });

        await Each(IndexesSql, "indexes", 55, r =>
        {
            if (relations.TryGetValue(r.GetFieldValue<uint>(0), out var rel))
            {
                rel.Indexes.Add(new TableIndex(r.GetString(1), r.GetString(2), r.GetBoolean(3), r.GetBoolean(4), r.GetBoolean(5)));
            }
        });
        await tx.CommitAsync(ct);

        var tables = relations.Values.Select(rel => new TableSnapshot
        {
            Schema = rel.Schema,
            Name = rel.Name,
            Kind = rel.Kind,
            Comment = rel.Comment,
            EstimatedRows = rel.Rows,
            TotalBytes = rel.Bytes,
            Definition = rel.Definition,
            PartitionKey = rel.PartitionKey,
            Columns = rel.Columns,
            PrimaryKey = rel.PrimaryKey,
            UniqueConstraints = rel.Uniques,
            ForeignKeys = rel.ForeignKeys,
            Indexes = rel.Indexes,
        }).ToList();
        return new CatalogReadResult(new CatalogSnapshot(schemas, tables), queries);
    }

    public async Task<PreviewResult> PreviewAsync(SourceConnection connection, TableSnapshot table, int limit, CancellationToken ct)
    {
        var columns = table.Columns.OrderBy(c => c.Position).ToList();
        var select = columns.Count == 0
            ? "*"
            : string.Join(", ", columns.Select(c => ReadableType(c.DataType)
                ? Quote(c.Name)
                : $"{Quote(c.Name)}::text AS {Quote(c.Name)}"));
        var sql = $"SELECT {select} FROM {Quote(table.Schema)}.{Quote(table.Name)} LIMIT {Math.Clamp(limit, 1, 1000)}";

        await using var conn = new NpgsqlConnection(connection.ToNpgsql(connectTimeoutSeconds: 5));
        await conn.OpenAsync(ct);
        await using var tx = await ReadOnlyAsync(conn, PreviewTimeoutSeconds, ct);
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = PreviewTimeoutSeconds + 5 };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var header = Enumerable.Range(0, reader.FieldCount).Select(i => new PreviewColumn(reader.GetName(i),
            columns.FirstOrDefault(c => c.Name == reader.GetName(i))?.DataType ?? reader.GetDataTypeName(i))).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(ct))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i, ct) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return new PreviewResult(header, rows);
    }

    public async Task<IReadOnlyList<ColumnProfile>> ProfileAsync(SourceConnection connection, TableSnapshot table,
        IProgress<ProfileProgress>? progress, CancellationToken ct)
    {
        var columns = table.Columns.OrderBy(c => c.Position).ToList();
        if (columns.Count == 0)
        {
            return [];
        }

        var sql = new StringBuilder("SELECT count(*)");
        foreach (var c in columns)
        {
            var q = Quote(c.Name);
            var equality = HasEquality(c.DataType);
            sql.Append($", count({q})");
            sql.Append(equality ? $", count(DISTINCT {q})" : ", NULL::bigint");
            sql.Append(OrderingOf(c.DataType) switch
            {
                Ordering.Native => $", min({q})::text, max({q})::text",
                Ordering.Boolean => $", bool_and({q})::text, bool_or({q})::text",
                Ordering.AsText => $", min({q}::text), max({q}::text)",
                _ => ", NULL::text, NULL::text",
            });
        }

        sql.Append($" FROM {Quote(table.Schema)}.{Quote(table.Name)}");
        progress?.Report(new ProfileProgress("connecting", 5));
        await using var conn = new NpgsqlConnection(connection.ToNpgsql(connectTimeoutSeconds: 5));
        await conn.OpenAsync(ct);
        await using var tx = await ReadOnlyAsync(conn, ProfileTimeoutSeconds, ct);
        progress?.Report(new ProfileProgress("scanning", 20));
        await using var cmd = new NpgsqlCommand(sql.ToString(), conn, tx) { CommandTimeout = ProfileTimeoutSeconds + 5 };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = reader.GetInt64(0);
        var result = new List<ColumnProfile>(columns.Count);
        for (var i = 0; i < columns.Count; i++)
        {
            var o = 1 + (i * 4);
            var nonNull = reader.GetInt64(o);
            result.Add(new ColumnProfile(columns[i].Name, columns[i].DataType, total, total - nonNull,
                reader.IsDBNull(o + 1) ? null : reader.GetInt64(o + 1), Text(reader, o + 2), Text(reader, o + 3)));
        }

        progress?.Report(new ProfileProgress("done", 100));
        return result;
    }

    /// <summary>Quotes an identifier by PostgreSQL's rules (always, which is always safe).</summary>
    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<NpgsqlTransaction> ReadOnlyAsync(NpgsqlConnection conn, int timeoutSeconds, CancellationToken ct)
    {
        var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = '{timeoutSeconds}s'", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
        return tx;
    }

    private enum Ordering
    {
        None,
        Native,
        Boolean,
        AsText,
    }

    private static string BaseType(string dataType)
    {
        var t = dataType.ToLowerInvariant();
        var paren = t.IndexOf('(', StringComparison.Ordinal);
        return paren < 0 ? t : t[..paren].Trim() + t[(t.IndexOf(')', StringComparison.Ordinal) + 1)..];
    }

    private static readonly HashSet<string> NativeOrdered =
    [
        "smallint", "integer", "bigint", "real", "double precision", "numeric", "money", "text", "character varying",
        "character", "date", "time without time zone", "time with time zone", "timestamp without time zone",
        "timestamp with time zone", "interval", "inet", "oid",
    ];

    private static readonly HashSet<string> NoEquality = ["json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle"];

    private static Ordering OrderingOf(string dataType)
    {
        var b = BaseType(dataType);
        return b switch
        {
            _ when b.EndsWith("[]", StringComparison.Ordinal) => Ordering.None,
            "boolean" => Ordering.Boolean,
            // uuid and jsonb order but have no min()/max() aggregate: compare their text.
            "uuid" or "jsonb" => Ordering.AsText,
            _ when NativeOrdered.Contains(b) => Ordering.Native,
            _ => Ordering.None,
        };
    }

    private static bool HasEquality(string dataType) => !NoEquality.Contains(BaseType(dataType).TrimEnd('[', ']'));

    /// <summary>Types Npgsql reads into CLR values; anything else is previewed as its text form.</summary>
    private static bool ReadableType(string dataType) => BaseType(dataType) switch
    {
        "smallint" or "integer" or "bigint" or "real" or "double precision" or "numeric" or "boolean" or "text"
            or "character varying" or "character" or "date" or "timestamp without time zone" or "timestamp with time zone"
            or "uuid" or "bytea" or "json" or "jsonb" or "time without time zone" or "interval" => true,
        _ => false,
    };

    private static TableKind KindOf(char relkind) => relkind switch
    {
        'v' => TableKind.View,
        'm' => TableKind.MaterializedView,
        'p' => TableKind.PartitionedTable,
        'f' => TableKind.ForeignTable,
        _ => TableKind.Table,
    };

    private static string Action(string? code) => code switch
    {
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    };

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? Long(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private sealed class Relation(string schema, string name, TableKind kind, string? comment, long? rows, long? bytes, string? definition, string? partitionKey)
    {
        public string Schema { get; } = schema;

        public string Name { get; } = name;

        public TableKind Kind { get; } = kind;

        public string? Comment { get; } = comment;

        public long? Rows { get; } = rows;

        public long? Bytes { get; } = bytes;

        public string? Definition { get; } = definition;

        public string? PartitionKey { get; } = partitionKey;

        public List<ColumnSnapshot> Columns { get; } = [];

        public KeyConstraint? PrimaryKey { get; set; }

        public List<KeyConstraint> Uniques { get; } = [];

        public List<ForeignKey> ForeignKeys { get; } = [];

        public List<TableIndex> Indexes { get; } = [];
    }
}
