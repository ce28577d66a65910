using System.Collections.Concurrent;
using System.Data;
using System.Reflection;
using AllData.Domain.Catalog;
using AllData.Domain.Operations;
using AllData.Domain.Studio;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AllData.Infrastructure.Studio;

/// <summary>
/// Runs a script's statements in order in one PostgreSQL session, streaming results to an <see cref="IRunObserver"/>.
/// The first failing statement stops the run. Canceling the token, or the run's timeout, cancels the running statement
/// on the server (Npgsql sends a cancel request) and stops the run.
/// </summary>
public sealed class DatabaseSqlEngine(TimeProvider time, ILogger<DatabaseSqlEngine> logger) : IDatabaseSqlEngine
{
    public DataSourceKind Kind => DataSourceKind.PostgreSql;

    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(250);
    private static readonly ConcurrentDictionary<Type, Func<NpgsqlDataReader, int, CancellationToken, Task<object>>> ArrayReaders = new();

    /// <summary>PostgreSQL element types Npgsql reads as .NET value types by default.</summary>
    private static readonly Dictionary<string, Type> ValueElementTypes = new(StringComparer.Ordinal)
    {
        ["smallint"] = typeof(short),
        ["integer"] = typeof(int),
        ["bigint"] = typeof(long),
        ["real"] = typeof(float),
        ["double precision"] = typeof(double),
        ["numeric"] = typeof(decimal),
        ["money"] = typeof(decimal),
        ["boolean"] = typeof(bool),
        ["date"] = typeof(DateOnly),
        ["timestamp without time zone"] = typeof(DateTime),
        ["timestamp with time zone"] = typeof(DateTime),
        ["interval"] = typeof(TimeSpan),
        ["uuid"] = typeof(Guid),
        ["oid"] = typeof(uint),
    };

    /// <param name="connectionString">The data source's connection string (built with <see cref="NpgsqlConnectionStringBuilder"/>).
    /// Pooling is turned off: a run is one fresh session, so no session state leaks between runs.</param>
    /// <param name="statements">Statements with variables already substituted (<see cref="SqlScript.Substitute(IReadOnlyDictionary{string, string})"/>).</param>
    public async Task<SqlRunOutcome> RunAsync(
        string connectionString,
        IReadOnlyList<SqlStatement> statements,
        IRunObserver observer,
        DatabaseSqlRunOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(observer);
        options ??= DatabaseSqlRunOptions.Default;
        var started = time.GetTimestamp();
        using var timeout = options.Timeout is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;
        List<StatementOutcome> outcomes = [];
        var notices = new ConcurrentQueue<string>();

        SqlRunStatus Interrupted() => cancellationToken.IsCancellationRequested ? SqlRunStatus.Canceled : SqlRunStatus.TimedOut;

        await using var connection = new NpgsqlConnection(SessionConnectionString(connectionString));
        connection.Notice += (_, e) => notices.Enqueue($"{e.Notice.Severity}: {e.Notice.MessageText}");
        try
        {
            await connection.OpenAsync(token);
        }
        catch (Exception ex) when (token.IsCancellationRequested && ex is OperationCanceledException or NpgsqlException)
        {
            return new SqlRunOutcome(Interrupted(), outcomes, null, time.GetElapsedTime(started));
        }
        catch (NpgsqlException ex)
        {
            var error = new SqlRunError(null, $"Cannot connect to the database: {ex.Message}", null, (ex as PostgresException)?.SqlState);
            await observer.LogAsync(RunLogLevel.Error, error.Message);
            return new SqlRunOutcome(SqlRunStatus.Failed, outcomes, error, time.GetElapsedTime(started));
        }

        logger.LogInformation("Database SQL run of {StatementCount} statements started on {Host}/{Database}",
            statements.Count, connection.Host, connection.Database);
        foreach (var statement in statements)
        {
            var outcome = await RunStatementAsync(connection, statement, observer, options, notices, Interrupted, token);
            outcomes.Add(outcome);
            await FlushNoticesAsync(notices, observer);
            await observer.LogAsync(outcome.Error is null ? RunLogLevel.Info : RunLogLevel.Error, Describe(statement, outcome));
            await observer.StatementFinishedAsync(statement, outcome);
            if (outcome.Status != SqlRunStatus.Succeeded)
            {
                logger.LogInformation("Database SQL run stopped at statement {StatementIndex}: {Status}", statement.Index, outcome.Status);
                return new SqlRunOutcome(outcome.Status, outcomes, outcome.Error, time.GetElapsedTime(started));
            }
        }

        return new SqlRunOutcome(SqlRunStatus.Succeeded, outcomes, null, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Streams the full result of one query as CSV (RFC 4180: comma, CRLF, quotes doubled; NULL is an empty field,
    /// an empty string is <c>""</c>) with a header row. No row cap; rows are never held in memory.
    /// </summary>
    /// <returns>The number of data rows written.</returns>
    /// <exception cref="PostgresException">The query failed.</exception>
    /// <exception cref="InvalidOperationException">The statement returns no rows.</exception>
    public async Task<long> ExportCsvAsync(string connectionString, SqlStatement statement, Stream output, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(output);
        using var timeoutSource = timeout is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var token = linked.Token;

        await using var connection = new NpgsqlConnection(SessionConnectionString(connectionString));
        await connection.OpenAsync(token);
        await using var command = Command(connection, statement);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, token);
        if (reader.FieldCount == 0)
        {
            throw new InvalidOperationException("The statement returns no rows to export.");
        }

        await using var writer = new CsvWriter(output);
        var columns = Columns(reader);
        foreach (var column in columns)
        {
            writer.WriteField(column.Name);
        }

        await writer.EndRowAsync(token);
        long rows = 0;
        var values = new object?[columns.Count];
        var arrayReaders = columns.Select(NullableArrayReader).ToArray();
        while (await reader.ReadAsync(token))
        {
            await ReadRowAsync(reader, columns, arrayReaders, values, token);
            for (var i = 0; i < values.Length; i++)
            {
                writer.WriteValue(values[i], columns[i].TypeName);
            }

            await writer.EndRowAsync(token);
            rows++;
        }

        await writer.FlushAsync(token);
        return rows;
    }

    private async Task<StatementOutcome> RunStatementAsync(
        NpgsqlConnection connection,
        SqlStatement statement,
        IRunObserver observer,
        DatabaseSqlRunOptions options,
        ConcurrentQueue<string> notices,
        Func<SqlRunStatus> interrupted,
        CancellationToken token)
    {
        var started = time.GetTimestamp();
        IReadOnlyList<ResultColumn>? firstColumns = null;
        long rowCount = 0;
        var truncated = false;
        StatementOutcome Outcome(SqlRunStatus status, long? affected, SqlRunError? error) =>
            new(statement.Index, statement.Kind, status, time.GetElapsedTime(started), affected, firstColumns, rowCount, truncated, error);

        await observer.StatementStartedAsync(statement);
        try
        {
            await using var command = Command(connection, statement);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, token);
            var resultSet = 0;
            var returnedRows = false;
            do
            {
                if (reader.FieldCount == 0)
                {
                    continue;
                }

                returnedRows = true;
                var columns = Columns(reader);
                firstColumns ??= columns;
                await observer.ResultSetStartedAsync(statement, resultSet, columns);
                var (rows, more) = await StreamRowsAsync(reader, statement, resultSet, columns, observer, options, notices, token);
                rowCount += rows;
                truncated |= more;
                resultSet++;
            }
            while (await reader.NextResultAsync(token));

            var affected = reader.RecordsAffected;
            long? rowsAffected = affected >= 0 && (statement.Kind == SqlStatementKind.Dml || !returnedRows) ? affected : null;
            return Outcome(SqlRunStatus.Succeeded, rowsAffected, null);
        }
        catch (Exception ex) when (token.IsCancellationRequested && ex is OperationCanceledException or NpgsqlException)
        {
            var status = interrupted();
            var message = status == SqlRunStatus.Canceled ? "Canceled by the user." : "Stopped: the run's timeout elapsed.";
            return Outcome(status, null, new SqlRunError(statement.Index, message, statement.Start));
        }
        catch (PostgresException ex)
        {
            var position = ex.Position > 0 ? statement.ScriptPositionOfPostgresError(ex.Position) : statement.Start;
            return Outcome(SqlRunStatus.Failed, null,
                new SqlRunError(statement.Index, ex.MessageText, position, ex.SqlState, ex.Detail, ex.Hint));
        }
        catch (NpgsqlException ex)
        {
            return Outcome(SqlRunStatus.Failed, null, new SqlRunError(statement.Index, ex.Message, statement.Start));
        }
    }

    /// <returns>Rows delivered, and whether more rows existed beyond the cap.</returns>
    private async Task<(long Rows, bool Truncated)> StreamRowsAsync(
        NpgsqlDataReader reader,
        SqlStatement statement,
        int resultSet,
        List<ResultColumn> columns,
        IRunObserver observer,
        DatabaseSqlRunOptions options,
        ConcurrentQueue<string> notices,
        CancellationToken token)
    {
        var batchSize = Math.Max(1, options.BatchSize);
        var batch = new List<object?[]>(Math.Min(batchSize, Math.Max(options.RowCap, 1)));
        var lastFlush = time.GetTimestamp();
        var arrayReaders = columns.Select(NullableArrayReader).ToArray();
        long rows = 0;
        var truncated = false;
        while (await reader.ReadAsync(token))
        {
            if (rows >= options.RowCap)
            {
                // The rest is read past (and dropped) by disposing the reader; DML with RETURNING still counts all rows.
                truncated = true;
                break;
            }

            var values = new object?[columns.Count];
            await ReadRowAsync(reader, columns, arrayReaders, values, token);
            batch.Add(values);
            rows++;
            if (batch.Count >= batchSize || time.GetElapsedTime(lastFlush) >= BatchInterval)
            {
                await observer.RowsAsync(statement, resultSet, batch);
                await FlushNoticesAsync(notices, observer);
                batch = new List<object?[]>(batch.Capacity);
                lastFlush = time.GetTimestamp();
            }
        }

        if (batch.Count > 0)
        {
            await observer.RowsAsync(statement, resultSet, batch);
        }

        return (rows, truncated);
    }

    /// <summary>
    /// One statement as a one-command batch: Npgsql sends a batch command's text as it is, where a plain command's
    /// text would be split at semicolons (breaking <c>BEGIN ATOMIC … END</c> bodies, which <see cref="SqlScript"/> keeps whole).
    /// </summary>
    private static NpgsqlBatch Command(NpgsqlConnection connection, SqlStatement statement) =>
        new(connection) { BatchCommands = { new NpgsqlBatchCommand(statement.Text) }, Timeout = 0 };

    private static List<ResultColumn> Columns(NpgsqlDataReader reader) =>
        [.. Enumerable.Range(0, reader.FieldCount).Select(i => new ResultColumn(reader.GetName(i), reader.GetDataTypeName(i), reader.GetFieldType(i)))];

    /// <summary>Reads the current row's columns once each, in order, as sequential access requires.</summary>
    private static async Task ReadRowAsync(
        NpgsqlDataReader reader,
        List<ResultColumn> columns,
        Func<NpgsqlDataReader, int, CancellationToken, Task<object>>?[] arrayReaders,
        object?[] values,
        CancellationToken token)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (await reader.IsDBNullAsync(i, token))
            {
                values[i] = null;
                continue;
            }

            try
            {
                values[i] = arrayReaders[i] is { } readArray
                    ? await readArray(reader, i, token)
                    : await reader.GetFieldValueAsync<object>(i, token);
            }
            catch (Exception ex) when (ex is InvalidCastException or OverflowException or NotSupportedException or ArgumentOutOfRangeException)
            {
                values[i] = new UnreadableValue(columns[i].TypeName, ex.Message);
            }
        }
    }

    /// <summary>
    /// One-dimensional arrays of value types are read with nullable elements (<c>int?[]</c>): PostgreSQL arrays may
    /// hold NULLs, which Npgsql's default <c>int[]</c> cannot. Sequential access allows one attempt per column, so the
    /// reader is chosen up front from the element type; a multi-dimensional array of these types shows as unreadable.
    /// </summary>
    private static Func<NpgsqlDataReader, int, CancellationToken, Task<object>>? NullableArrayReader(ResultColumn column)
    {
        if (!column.TypeName.EndsWith("[]", StringComparison.Ordinal)
            || !ValueElementTypes.TryGetValue(column.TypeName[..^2], out var element))
        {
            return null;
        }

        return ArrayReaders.GetOrAdd(element, e => typeof(DatabaseSqlEngine)
            .GetMethod(nameof(ReadNullableArrayAsync), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(e)
            .CreateDelegate<Func<NpgsqlDataReader, int, CancellationToken, Task<object>>>());
    }

    private static async Task<object> ReadNullableArrayAsync<T>(NpgsqlDataReader reader, int ordinal, CancellationToken token)
        where T : struct => await reader.GetFieldValueAsync<T?[]>(ordinal, token);

    private static async Task FlushNoticesAsync(ConcurrentQueue<string> notices, IRunObserver observer)
    {
        while (notices.TryDequeue(out var notice))
        {
            await observer.LogAsync(notice.StartsWith("WARNING", StringComparison.Ordinal) ? RunLogLevel.Warning : RunLogLevel.Info, notice);
        }
    }

    private static string Describe(SqlStatement statement, StatementOutcome outcome)
    {
        var what = $"Statement {statement.Index + 1} ({statement.Kind}, line {statement.Start.Line})";
        var took = $"{outcome.Duration.TotalMilliseconds:0} ms";
        return outcome.Status switch
        {
            SqlRunStatus.Succeeded when outcome.Columns is not null =>
                $"{what}: {outcome.RowCount} row(s){(outcome.Truncated ? " (truncated)" : string.Empty)} in {took}",
            SqlRunStatus.Succeeded when outcome.RowsAffected is { } affected => $"{what}: {affected} row(s) affected in {took}",
            SqlRunStatus.Succeeded => $"{what}: done in {took}",
            _ => $"{what}: {outcome.Error?.Message} ({outcome.Error?.Position})",
        };
    }

    private static string SessionConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 0 };
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "AllData";
        }

        return builder.ConnectionString;
    }
}
