using System.Globalization;
using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Studio;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Quality;
using MySqlConnector;

namespace AllData.Infrastructure.Sources.MySql;

/// <summary>
/// MySQL/MariaDB for the scan compiler: backtick identifiers (MySqlConnector's rules), positional <c>?</c> parameters,
/// and <c>SUM(CASE WHEN … THEN 1 ELSE 0 END)</c> where PostgreSQL has <c>count(*) FILTER</c> (MariaDB has no FILTER).
/// </summary>
public sealed class MySqlQualityDialect : IQualitySqlDialect
{
    public DataSourceKind Kind => DataSourceKind.MySql;

    public string Quote(string identifier) => MySqlValues.Quote(identifier);

    public QueryParameters CreateParameters() => new(_ => "?");

    public string CountWhere(string? condition) =>
        condition is null ? "COUNT(*)" : $"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)";

    public string Aggregate(string function, string expression, string? condition) =>
        condition is null ? $"{function}({expression})" : $"{function}(CASE WHEN {condition} THEN {expression} END)";

    /// <summary>Adding a double literal makes a double on MySQL 5.7/8 and every MariaDB (CAST AS DOUBLE is newer on both).</summary>
    public string AsDouble(string expression) => $"(({expression}) + 0.0E0)";

    public string AsText(string expression) => $"CAST(({expression}) AS CHAR)";

    public string TextLength(string textExpression) => $"CHAR_LENGTH({textExpression})";

    public string HoursSince(string timestampExpression) => $"(TIMESTAMPDIFF(SECOND, ({timestampExpression}), NOW()) / 3600.0E0)";

    public string NotMatching(string textExpression, string patternPlaceholder) => $"NOT ({textExpression} REGEXP {patternPlaceholder})";

    public string NotInSet(string textExpression, IReadOnlyList<string> values, QueryParameters parameters) =>
        $"{textExpression} NOT IN ({string.Join(", ", values.Select(v => parameters.Add(v)))})";

    public string Limit(int rows) => " LIMIT " + rows.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Quality sessions on MySQL/MariaDB: <c>START TRANSACTION READ ONLY</c>, the server's statement limit
/// (<c>max_statement_time</c> on MariaDB, <c>max_execution_time</c> on MySQL) and a command timeout that kills the query.
/// Every query must be one statement by the MySQL splitter: a ';' in a filter is refused before it reaches the server.
/// </summary>
internal sealed class MySqlQualitySource : IQualitySource
{
    public DataSourceKind Kind => DataSourceKind.MySql;

    public IQualitySqlDialect Dialect { get; } = new MySqlQualityDialect();

    public async Task<IQualitySession> OpenAsync(SourceConnection connection, int statementTimeoutSeconds, CancellationToken ct)
    {
        var conn = new MySqlConnection(connection.ToMySql(connectTimeoutSeconds: 5, applicationName: "AllData quality"));
        try
        {
            await conn.OpenAsync(ct);
            var limit = conn.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)
                ? $"SET SESSION max_statement_time = {statementTimeoutSeconds}"
                : $"SET SESSION max_execution_time = {statementTimeoutSeconds * 1000}";
            await using (var set = new MySqlCommand(limit, conn))
            {
                await set.ExecuteNonQueryAsync(ct);
            }

            var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, isReadOnly: true, ct);
            return new Session(conn, tx, statementTimeoutSeconds);
        }
        catch (MySqlException e)
        {
            await conn.DisposeAsync();
            throw new DomainException(Describe(e));
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    internal static string Describe(MySqlException e) => $"{e.Message} ({e.ErrorCode})";

    private sealed class Session(MySqlConnection conn, MySqlTransaction tx, int timeoutSeconds) : IQualitySession
    {
        private int _savepoints;

        public Task<double?[]> ReadRowAsync(CompiledQuery query, CancellationToken ct) => Translated(() => ReadRowCoreAsync(query, ct));

        public Task<IReadOnlyList<IReadOnlyList<string?>>> ReadTextAsync(CompiledQuery query, CancellationToken ct) => Translated(() => ReadTextCoreAsync(query, ct));

        public Task ValidateAsync(CompiledQuery query, CancellationToken ct) => Translated(async () =>
        {
            await using var cmd = Command(query, explain: true);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
            }

            return true;
        });

        /// <summary>A server error (while executing or while reading rows) as the source-neutral query failure.</summary>
        private static async Task<T> Translated<T>(Func<Task<T>> read)
        {
            try
            {
                return await read();
            }
            catch (MySqlException e)
            {
                throw new QualityQueryException(e.Message, e.ErrorCode.ToString());
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

        /// <summary>A zero date as its stored text (<see cref="MySqlValues"/>), everything else as read.</summary>
        private static object? Value(System.Data.Common.DbDataReader reader, int ordinal) => MySqlValues.Read((MySqlDataReader)reader, ordinal);

        /// <summary>A failed statement leaves a MySQL transaction usable; the savepoint keeps the same contract as PostgreSQL's.</summary>
        public async Task<T> IsolatedAsync<T>(Func<Task<T>> action, CancellationToken ct)
        {
            var name = "q" + (++_savepoints).ToString(CultureInfo.InvariantCulture);
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

        private MySqlCommand Command(CompiledQuery query, bool explain = false)
        {
            if (SqlScript.Parse(query.Sql, SqlDialect.MySql).Statements.Count != 1)
            {
                throw new DomainException("A rule's SQL and filter are one statement: ';' separates statements and is not allowed here.");
            }

            var cmd = new MySqlCommand((explain ? "EXPLAIN " : string.Empty) + query.Sql, conn, tx) { CommandTimeout = timeoutSeconds + 5 };
            foreach (var value in query.Parameters)
            {
                cmd.Parameters.Add(new MySqlParameter { Value = value });
            }

            return cmd;
        }

        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await conn.DisposeAsync();
        }
    }
}
