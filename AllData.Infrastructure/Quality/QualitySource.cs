using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Infrastructure.Catalog;
using Npgsql;

namespace AllData.Infrastructure.Quality;

/// <summary>
/// A session on a source for one scan: a read-only transaction under a statement timeout, which runs compiled
/// queries and nothing else. It never creates objects in the source.
/// </summary>
internal interface IQualitySession : IAsyncDisposable
{
    /// <summary>The first row of the query, each value as double (null for SQL NULL).</summary>
    Task<double?[]> ReadRowAsync(CompiledQuery query, CancellationToken ct);

    /// <summary>Every row of the query, each value as text.</summary>
    Task<IReadOnlyList<IReadOnlyList<string?>>> ReadTextAsync(CompiledQuery query, CancellationToken ct);

    /// <summary>Has the database parse and plan the query without running it; throws a <see cref="DomainException"/> with its message.</summary>
    Task ValidateAsync(CompiledQuery query, CancellationToken ct);

    /// <summary>A rule whose query failed leaves the transaction usable for the next (a savepoint per query).</summary>
    Task<T> IsolatedAsync<T>(Func<Task<T>> action, CancellationToken ct);
}

/// <summary>A query failed in the source (a bad column, a bad pattern, a timeout); the message is the source's, with its code.</summary>
public sealed class QualityQueryException(string reason, string code) : DomainException($"{reason} ({code})")
{
    /// <summary>The source's message without its code.</summary>
    public string Reason { get; } = reason;
}

/// <summary>Rows of a quality query as the scanner takes them, whatever the driver: numbers for metrics, text for samples.</summary>
internal static class QualityRows
{
    /// <summary>The first row, each value as double (null for SQL NULL or text that is no number).</summary>
    public static async Task<double?[]> FirstAsync(System.Data.Common.DbDataReader reader, Func<System.Data.Common.DbDataReader, int, object?> value, CancellationToken ct)
    {
        var row = new double?[reader.FieldCount];
        if (await reader.ReadAsync(ct))
        {
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = value(reader, i) switch
                {
                    null => null,
                    string s => double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null,
                    var v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture),
                };
            }
        }

        return row;
    }

    /// <summary>Every row, each value as invariant text (null for SQL NULL).</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string?>>> AllAsync(System.Data.Common.DbDataReader reader,
        Func<System.Data.Common.DbDataReader, int, object?> value, CancellationToken ct)
    {
        var rows = new List<IReadOnlyList<string?>>();
        while (await reader.ReadAsync(ct))
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = value(reader, i) is { } v ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;
            }

            rows.Add(row);
        }

        return rows;
    }
}

/// <summary>Opens <see cref="IQualitySession"/>s for one kind of source, with that kind's dialect.</summary>
internal interface IQualitySource
{
    DataSourceKind Kind { get; }

    IQualitySqlDialect Dialect { get; }

    Task<IQualitySession> OpenAsync(SourceConnection connection, int statementTimeoutSeconds, CancellationToken ct);
}

internal sealed class QualitySources(IEnumerable<IQualitySource> sources)
{
    private readonly Dictionary<DataSourceKind, IQualitySource> _byKind = sources.ToDictionary(s => s.Kind);

    public IQualitySource For(DataSourceKind kind) => _byKind.TryGetValue(kind, out var source)
        ? source
        : throw new DomainException($"Quality rules are not supported on {kind} sources yet.");
}

/// <summary>PostgreSQL through Npgsql. Queries use positional parameters, so Npgsql sends each as exactly one statement.</summary>
internal sealed class PostgresQualitySource : IQualitySource
{
    public DataSourceKind Kind => DataSourceKind.PostgreSql;

    public IQualitySqlDialect Dialect { get; } = new PostgresQualityDialect();

    public async Task<IQualitySession> OpenAsync(SourceConnection connection, int statementTimeoutSeconds, CancellationToken ct)
    {
        var conn = new NpgsqlConnection(connection.ToNpgsql(connectTimeoutSeconds: 5, applicationName: "AllData quality"));
        try
        {
            await conn.OpenAsync(ct);
            var tx = await conn.BeginTransactionAsync(ct);
            await using (var set = new NpgsqlCommand(
                             $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = '{statementTimeoutSeconds}s'", conn, tx))
            {
                await set.ExecuteNonQueryAsync(ct);
            }

            return new Session(conn, tx, statementTimeoutSeconds);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private sealed class Session(NpgsqlConnection conn, NpgsqlTransaction tx, int timeoutSeconds) : IQualitySession
    {
        private int _savepoints;

        public Task<double?[]> ReadRowAsync(CompiledQuery query, CancellationToken ct) => Translated(() => ReadRowCoreAsync(query, ct));

        public Task<IReadOnlyList<IReadOnlyList<string?>>> ReadTextAsync(CompiledQuery query, CancellationToken ct) => Translated(() => ReadTextCoreAsync(query, ct));

        private static async Task<T> Translated<T>(Func<Task<T>> read)
        {
            try
            {
                return await read();
            }
            catch (PostgresException e)
            {
                throw new QualityQueryException(e.MessageText, e.SqlState);
            }
        }

        private async Task<double?[]> ReadRowCoreAsync(CompiledQuery query, CancellationToken ct)
        {
            await using var cmd = Command(query);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            return await QualityRows.FirstAsync(reader, Value, ct);
        }

        private async Task<IReadOnlyList<IReadOnlyList<string?>>> ReadTextCoreAsync(CompiledQuery query, CancellationToken ct)
        {
            await using var cmd = Command(query);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            return await QualityRows.AllAsync(reader, Value, ct);
        }

        private static object? Value(System.Data.Common.DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal);

        public async Task ValidateAsync(CompiledQuery query, CancellationToken ct) =>
            await IsolatedAsync(() => Translated(async () =>
            {
                await using var cmd = Command(query, explain: true);
                await cmd.ExecuteNonQueryAsync(ct);
                return true;
            }), ct);

        public async Task<T> IsolatedAsync<T>(Func<Task<T>> action, CancellationToken ct)
        {
            var name = "q" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await tx.SaveAsync(name, ct);
            try
            {
                var result = await action();
                await tx.ReleaseAsync(name, ct);
                return result;
            }
            catch (QualityQueryException)
            {
                await tx.RollbackAsync(name, ct);
                throw;
            }
        }

        private NpgsqlCommand Command(CompiledQuery query, bool explain = false)
        {
            var cmd = new NpgsqlCommand(query.Sql, conn, tx) { CommandTimeout = timeoutSeconds + 5 };
            foreach (var value in query.Parameters)
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            if (query.Parameters.Count == 0)
            {
                // A positional parameter list, even empty, keeps Npgsql in raw mode: the text goes to the server as one
                // statement, so a ';' smuggled into a filter is a syntax error there, never a second statement.
                cmd.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value });
                cmd.CommandText = $"SELECT * FROM ({query.Sql}) AS q WHERE $1::int IS NULL";
            }

            if (explain)
            {
                cmd.CommandText = "EXPLAIN " + cmd.CommandText;
            }

            return cmd;
        }

        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await conn.DisposeAsync();
        }
    }

    internal static string Describe(PostgresException e) => $"{e.MessageText} ({e.SqlState})";
}
