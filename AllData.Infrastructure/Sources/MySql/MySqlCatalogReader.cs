using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Infrastructure.Catalog;
using MySqlConnector;

namespace AllData.Infrastructure.Sources.MySql;

/// <summary>
/// Reads MySQL/MariaDB metadata from information_schema: one schemas query, then per schema (database) one query each
/// for tables (with view definitions), columns, index columns and foreign key columns — never one query per table, and
/// every name is a parameter, never concatenated into SQL. All schemas the user can see are read, except the system
/// ones. Row counts and sizes are the storage engine's estimates (TABLES.TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH).
/// </summary>
internal sealed class MySqlCatalogReader : ICatalogReader
{
    public const int PreviewTimeoutSeconds = PostgresCatalogReader.PreviewTimeoutSeconds;
    public const int ProfileTimeoutSeconds = 120;

    private const string SchemasSql = """
        SELECT SCHEMA_NAME FROM information_schema.SCHEMATA
        WHERE SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
        ORDER BY SCHEMA_NAME
        """;

    private const string TablesSql = """
        SELECT t.TABLE_NAME, t.TABLE_TYPE, t.TABLE_COMMENT, t.TABLE_ROWS, t.DATA_LENGTH + t.INDEX_LENGTH, t.CREATE_OPTIONS, v.VIEW_DEFINITION
        FROM information_schema.TABLES t
        LEFT JOIN information_schema.VIEWS v ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
        WHERE t.TABLE_SCHEMA = @schema
        """;

    private const string ColumnsSql = """
        SELECT TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, COLUMN_COMMENT
        FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = @schema
        ORDER BY TABLE_NAME, ORDINAL_POSITION
        """;

    private const string IndexesSql = """
        SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE
        FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = @schema
        ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
        """;

    private const string ForeignKeysSql = """
        SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME,
               r.UPDATE_RULE, r.DELETE_RULE
        FROM information_schema.KEY_COLUMN_USAGE k
        JOIN information_schema.REFERENTIAL_CONSTRAINTS r
          ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
        WHERE k.TABLE_SCHEMA = @schema AND k.REFERENCED_TABLE_NAME IS NOT NULL
        ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
        """;

    public DataSourceKind Kind => DataSourceKind.MySql;

    public string ConnectionString(SourceConnection connection, int connectTimeoutSeconds, bool pooling, string applicationName) =>
        connection.ToMySql(connectTimeoutSeconds, pooling, applicationName);

    public async Task<ConnectionTestResult> TestConnectionAsync(SourceConnection connection, CancellationToken ct)
    {
        try
        {
            await using var conn = new MySqlConnection(connection.ToMySql(connectTimeoutSeconds: 5, pooling: false, "AllData connection test"));
            await conn.OpenAsync(ct);
            await using var cmd = new MySqlCommand("SELECT 1", conn) { CommandTimeout = 5 };
            var watch = Stopwatch.StartNew();
            await cmd.ExecuteScalarAsync(ct);
            watch.Stop();
            // MariaDB 10.x announces itself as "5.5.5-10.x…" for old replication clients.
            var banner = conn.ServerVersion.StartsWith("5.5.5-", StringComparison.Ordinal) ? conn.ServerVersion[6..] : conn.ServerVersion;
            var product = banner.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? "MariaDB" : "MySQL";
            return new ConnectionTestResult(true, $"{product} {banner}", watch.Elapsed, ConnectionFailure.None, banner);
        }
        catch (DomainException e)
        {
            return ConnectionTestResult.Failed(ConnectionFailure.InvalidSettings, e.Message);
        }
        catch (Exception e) when (e is MySqlException or TimeoutException or SocketException or IOException or InvalidOperationException
                                       || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var result = Classify(e);
            return e is MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost } && result.Failure == ConnectionFailure.HostUnreachable
                ? await ProbeAsync(connection.Host, connection.Port, result, ct)
                : result;
        }
    }

    /// <summary>
    /// MySqlConnector reports every failed connect as "Unable to connect to any of the specified MySQL hosts": one plain
    /// TCP connect tells a refused port, an unknown host name and a silent host apart.
    /// </summary>
    private static async Task<ConnectionTestResult> ProbeAsync(string host, int port, ConnectionTestResult fallback, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            return fallback;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => ConnectionTestResult.Failed(ConnectionFailure.ConnectionRefused, $"{host}:{port} refused the connection."),
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
                    ConnectionTestResult.Failed(ConnectionFailure.HostUnreachable, $"The host name could not be resolved: {e.Message}"),
                _ => ConnectionTestResult.Failed(ConnectionFailure.HostUnreachable, e.Message),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ConnectionTestResult.Failed(ConnectionFailure.Timeout, "The server did not answer in time.");
        }
    }

    /// <summary>Turns a MySqlConnector exception into a precise, user-facing reason.</summary>
    public ConnectionTestResult Classify(Exception e)
    {
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
                case OperationCanceledException:
                    return ConnectionTestResult.Failed(ConnectionFailure.Timeout, "The server did not answer in time.");
            }
        }

        var message = e.Message;
        if (e is MySqlException my)
        {
            var failure = my.ErrorCode switch
            {
                _ when message.Contains("does not support SSL", StringComparison.OrdinalIgnoreCase) => ConnectionFailure.SslNotSupported,
                _ when message.Contains("insecure transport", StringComparison.OrdinalIgnoreCase) => ConnectionFailure.SslRequired,
                MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied => ConnectionFailure.AuthenticationFailed,
                MySqlErrorCode.UnknownDatabase => ConnectionFailure.DatabaseDoesNotExist,
                (MySqlErrorCode)3159 => ConnectionFailure.SslRequired, // ER_SECURE_TRANSPORT_REQUIRED (MySQL 8)
                MySqlErrorCode.CommandTimeoutExpired => ConnectionFailure.Timeout,
                MySqlErrorCode.UnableToConnectToHost when message.Contains("timeout", StringComparison.OrdinalIgnoreCase) => ConnectionFailure.Timeout,
                MySqlErrorCode.UnableToConnectToHost => ConnectionFailure.HostUnreachable,
                _ => ConnectionFailure.Other,
            };
            return ConnectionTestResult.Failed(failure, my.Number > 0 ? $"{my.Number}: {message}" : message);
        }

        if (message.Contains("does not support SSL", StringComparison.OrdinalIgnoreCase))
        {
            return ConnectionTestResult.Failed(ConnectionFailure.SslNotSupported, message);
        }

        return message.Contains("Timeout", StringComparison.OrdinalIgnoreCase)
            ? ConnectionTestResult.Failed(ConnectionFailure.Timeout, message)
            : ConnectionTestResult.Failed(ConnectionFailure.Other, message);
    }

    public async Task<CatalogReadResult> ReadAsync(SourceConnection connection, IProgress<SyncProgress>? progress, CancellationToken ct)
    {
        await using var conn = new MySqlConnection(connection.ToMySql(connectTimeoutSeconds: 10));
        await conn.OpenAsync(ct);
        var mariaDb = conn.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        var queries = 0;

        async Task Each(string sql, string? schema, Action<MySqlDataReader> row)
        {
            await using var cmd = new MySqlCommand(sql, conn) { CommandTimeout = 300 };
            if (schema is not null)
            {
                cmd.Parameters.AddWithValue("@schema", schema);
            }

            queries++;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                row(reader);
            }
        }

        progress?.Report(new SyncProgress("schemas", 5));
        var schemas = new List<SchemaSnapshot>();
        await Each(SchemasSql, null, r => schemas.Add(new SchemaSnapshot(r.GetString(0), null)));

        var tables = new List<TableSnapshot>();
        for (var s = 0; s < schemas.Count; s++)
        {
            var schema = schemas[s].Name;
            progress?.Report(new SyncProgress("tables", 5 + (50 * s / Math.Max(1, schemas.Count))));
            var relations = new Dictionary<string, Relation>(StringComparer.Ordinal);
            await Each(TablesSql, schema, r =>
            {
                var type = r.GetString(1);
                var options = Text(r, 5) ?? string.Empty;
                var kind = type switch
                {
                    "VIEW" or "SYSTEM VIEW" => TableKind.View,
                    _ when options.Contains("partitioned", StringComparison.OrdinalIgnoreCase) => TableKind.PartitionedTable,
                    _ => TableKind.Table,
                };
                var comment = Text(r, 2);
                comment = string.IsNullOrEmpty(comment) || (kind == TableKind.View && comment == "VIEW") ? null : comment;
                relations[r.GetString(0)] = new Relation(r.GetString(0), kind, comment,
                    kind == TableKind.View ? null : Long(r, 3), kind == TableKind.View ? null : Long(r, 4), Text(r, 6));
            });

            await Each(ColumnsSql, schema, r =>
            {
                if (!relations.TryGetValue(r.GetString(0), out var rel))
                {
                    return;
                }

                var type = r.GetString(3);
                var extra = (Text(r, 6) ?? string.Empty).ToLowerInvariant();
                var expression = Text(r, 7);
                var generation = extra switch
                {
                    _ when extra.Contains("auto_increment", StringComparison.Ordinal) => ColumnGeneration.IdentityByDefault,
                    _ when extra.Contains("stored generated", StringComparison.Ordinal) || extra.Contains("persistent", StringComparison.Ordinal)
                        => ColumnGeneration.Stored,
                    _ when extra.Contains("virtual generated", StringComparison.Ordinal) => ColumnGeneration.Virtual,
                    _ => ColumnGeneration.None,
                };
                var @default = generation is ColumnGeneration.Stored or ColumnGeneration.Virtual
                    ? expression
                    : DefaultOf(Text(r, 5), type, extra, mariaDb);
                var comment = Text(r, 8);
                rel.Columns.Add(new ColumnSnapshot(Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture), r.GetString(2), type,
                    r.GetString(4) == "YES", @default, generation, string.IsNullOrEmpty(comment) ? null : comment));
            });

            await Each(IndexesSql, schema, r =>
            {
                if (!relations.TryGetValue(r.GetString(0), out var rel))
                {
                    return;
                }

                var name = r.GetString(1);
                if (!rel.IndexColumns.TryGetValue(name, out var index))
                {
                    index = new IndexBuilder(name, Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture) == 0, Text(r, 5) ?? "BTREE");
                    rel.IndexColumns[name] = index;
                    rel.IndexOrder.Add(name);
                }

                index.Columns.Add((Text(r, 3), r.IsDBNull(4) ? null : Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture)));
            });

            await Each(ForeignKeysSql, schema, r =>
            {
                if (!relations.TryGetValue(r.GetString(0), out var rel))
                {
                    return;
                }

                var name = r.GetString(1);
                if (!rel.ForeignKeyParts.TryGetValue(name, out var fk))
                {
                    fk = new ForeignKeyBuilder(name, r.GetString(3), r.GetString(4), r.GetString(6), r.GetString(7));
                    rel.ForeignKeyParts[name] = fk;
                }

                fk.Columns.Add(r.GetString(2));
                fk.ReferencedColumns.Add(r.GetString(5));
            });

            tables.AddRange(relations.Values.Select(rel => rel.ToSnapshot(schema)));
        }

        progress?.Report(new SyncProgress("indexes", 55));
        return new CatalogReadResult(new CatalogSnapshot(schemas, tables), queries);
    }

    public async Task<PreviewResult> PreviewAsync(SourceConnection connection, TableSnapshot table, int limit, CancellationToken ct)
    {
        var columns = table.Columns.OrderBy(c => c.Position).ToList();
        var select = columns.Count == 0 ? "*" : string.Join(", ", columns.Select(c => MySqlValues.Quote(c.Name)));
        var sql = $"SELECT {select} FROM {MySqlValues.Quote(table.Schema)}.{MySqlValues.Quote(table.Name)} LIMIT {Math.Clamp(limit, 1, 1000)}";
        await using var conn = new MySqlConnection(connection.ToMySql(connectTimeoutSeconds: 5));
        await conn.OpenAsync(ct);
        await using var tx = await ReadOnlyAsync(conn, ct);
        await using var cmd = new MySqlCommand(sql, conn, tx) { CommandTimeout = PreviewTimeoutSeconds };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var header = Enumerable.Range(0, reader.FieldCount).Select(i => new PreviewColumn(reader.GetName(i),
            columns.FirstOrDefault(c => c.Name == reader.GetName(i))?.DataType ?? reader.GetDataTypeName(i).ToLowerInvariant())).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(ct))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = MySqlValues.Read(reader, i);
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

        var sql = new StringBuilder("SELECT COUNT(*)");
        foreach (var c in columns)
        {
            var q = MySqlValues.Quote(c.Name);
            var comparable = Comparable(c.DataType);
            sql.Append($", COUNT({q})");
            sql.Append(comparable ? $", COUNT(DISTINCT {q})" : ", NULL");
            sql.Append(comparable ? $", CAST(MIN({q}) AS CHAR), CAST(MAX({q}) AS CHAR)" : ", NULL, NULL");
        }

        sql.Append($" FROM {MySqlValues.Quote(table.Schema)}.{MySqlValues.Quote(table.Name)}");
        progress?.Report(new ProfileProgress("connecting", 5));
        await using var conn = new MySqlConnection(connection.ToMySql(connectTimeoutSeconds: 5));
        await conn.OpenAsync(ct);
        await using var tx = await ReadOnlyAsync(conn, ct);
        progress?.Report(new ProfileProgress("scanning", 20));
        await using var cmd = new MySqlCommand(sql.ToString(), conn, tx) { CommandTimeout = ProfileTimeoutSeconds };
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
        var result = new List<ColumnProfile>(columns.Count);
        for (var i = 0; i < columns.Count; i++)
        {
            var o = 1 + (i * 4);
            var nonNull = Convert.ToInt64(reader.GetValue(o), CultureInfo.InvariantCulture);
            result.Add(new ColumnProfile(columns[i].Name, columns[i].DataType, total, total - nonNull,
                reader.IsDBNull(o + 1) ? null : Convert.ToInt64(reader.GetValue(o + 1), CultureInfo.InvariantCulture),
                TextOf(reader, o + 2), TextOf(reader, o + 3)));
        }

        progress?.Report(new ProfileProgress("done", 100));
        return result;
    }

    /// <summary>START TRANSACTION READ ONLY: the preview and profile can never write.</summary>
    private static async Task<MySqlTransaction> ReadOnlyAsync(MySqlConnection conn, CancellationToken ct) =>
        await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, isReadOnly: true, ct);

    /// <summary>
    /// The default as DDL writes it. MariaDB (10.2.7+) already prints literals quoted and NULL as the word NULL;
    /// MySQL prints the bare value, with DEFAULT_GENERATED in EXTRA for an expression.
    /// </summary>
    private static string? DefaultOf(string? value, string type, string extra, bool mariaDb)
    {
        if (value is null || (mariaDb && value == "NULL"))
        {
            return null;
        }

        if (mariaDb || extra.Contains("default_generated", StringComparison.Ordinal))
        {
            return value;
        }

        var numeric = type.StartsWith("int", StringComparison.OrdinalIgnoreCase) || type.Contains("int(", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("decimal", StringComparison.OrdinalIgnoreCase) || type.StartsWith("float", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("double", StringComparison.OrdinalIgnoreCase) || type.EndsWith("int", StringComparison.OrdinalIgnoreCase);
        return numeric ? value : MySqlDdl.Literal(value);
    }

    private static bool Comparable(string dataType)
    {
        var t = dataType.ToLowerInvariant();
        return !(t.Contains("blob", StringComparison.Ordinal) || t is "geometry" or "point" or "linestring" or "polygon" or "multipoint"
                     or "multilinestring" or "multipolygon" or "geometrycollection");
    }

    private static string? TextOf(MySqlDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture);

    private static string? Text(MySqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetValue(i) switch
    {
        string s => s,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    private static long? Long(MySqlDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private sealed record IndexBuilder(string Name, bool Unique, string Type)
    {
        public List<(string? Column, long? Prefix)> Columns { get; } = [];
    }

    private sealed record ForeignKeyBuilder(string Name, string ReferencedSchema, string ReferencedTable, string OnUpdate, string OnDelete)
    {
        public List<string> Columns { get; } = [];

        public List<string> ReferencedColumns { get; } = [];
    }

    private sealed class Relation(string name, TableKind kind, string? comment, long? rows, long? bytes, string? definition)
    {
        public List<ColumnSnapshot> Columns { get; } = [];

        public Dictionary<string, IndexBuilder> IndexColumns { get; } = new(StringComparer.Ordinal);

        public List<string> IndexOrder { get; } = [];

        public Dictionary<string, ForeignKeyBuilder> ForeignKeyParts { get; } = new(StringComparer.Ordinal);

        public TableSnapshot ToSnapshot(string schema)
        {
            var qualified = MySqlDdl.Qualified(schema, name);
            var foreignKeys = ForeignKeyParts.Values
                .Select(f => new ForeignKey(f.Name, f.Columns, f.ReferencedSchema, f.ReferencedTable, f.ReferencedColumns, f.OnUpdate, f.OnDelete))
                .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            KeyConstraint? primary = null;
            var uniques = new List<KeyConstraint>();
            var indexes = new List<TableIndex>();
            foreach (var index in IndexOrder.Select(n => IndexColumns[n]))
            {
                var columns = index.Columns.Select(c => c.Column ?? "(expression)").ToList();
                var isPrimary = index.Name == "PRIMARY";
                if (isPrimary)
                {
                    primary = new KeyConstraint(index.Name, columns);
                }
                else if (index.Unique)
                {
                    uniques.Add(new KeyConstraint(index.Name, columns));
                }

                var parts = string.Join(", ", index.Columns.Select(c =>
                    (c.Column is null ? "(expression)" : MySqlDdl.Quote(c.Column)) + (c.Prefix is { } p ? $"({p})" : string.Empty)));
                var definition = isPrimary
                    ? $"ALTER TABLE {qualified} ADD PRIMARY KEY ({parts})"
                    : index.Type switch
                    {
                        "FULLTEXT" => $"CREATE FULLTEXT INDEX {MySqlDdl.Quote(index.Name)} ON {qualified} ({parts})",
                        "SPATIAL" => $"CREATE SPATIAL INDEX {MySqlDdl.Quote(index.Name)} ON {qualified} ({parts})",
                        _ => $"CREATE {(index.Unique ? "UNIQUE " : string.Empty)}INDEX {MySqlDdl.Quote(index.Name)} ON {qualified} ({parts}) USING {index.Type}",
                    };
                var backs = isPrimary || index.Unique || foreignKeys.Any(f => f.Name == index.Name);
                indexes.Add(new TableIndex(index.Name, definition, index.Unique, isPrimary, backs));
            }

            return new TableSnapshot
            {
                Schema = schema,
                Name = name,
                Kind = kind,
                Comment = comment,
                EstimatedRows = rows,
                TotalBytes = bytes,
                Definition = definition,
                Columns = Columns,
                PrimaryKey = primary,
                UniqueConstraints = uniques,
                ForeignKeys = foreignKeys,
                Indexes = indexes,
            };
        }
    }
}
