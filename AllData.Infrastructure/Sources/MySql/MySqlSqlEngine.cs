using System.Collections.Concurrent;
using System.Data;
using System.Text.RegularExpressions;
using AllData.Domain.Catalog;
using AllData.Domain.Operations;
using AllData.Domain.Studio;
using AllData.Infrastructure.Studio;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace AllData.Infrastructure.Sources.MySql;

/// <summary>
/// Runs a script's statements in order in one MySQL/MariaDB session, streaming results to an <see cref="IRunObserver"/>.
/// The first failing statement stops the run. Canceling the token, or the run's timeout, makes MySqlConnector send
/// <c>KILL QUERY</c> for the session's running statement from a second connection, and stops the run.
/// </summary>
internal sealed partial class MySqlSqlEngine(TimeProvider time, ILogger<MySqlSqlEngine> logger) : IDatabaseSqlEngine
{
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(250);

    public DataSourceKind Kind => DataSourceKind.MySql;

    public async Task<SqlRunOutcome> RunAsync(string connectionString, IReadOnlyList<SqlStatement> statements, IRunObserver observer,
        DatabaseSqlRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(observer);
        options ??= DatabaseSqlRunOptions.Default;
        var started = time.GetTimestamp();
        using var timeout = options.Timeout is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;
        List<StatementOutcome> outcomes = [];
        var notices = new ConcurrentQueue<(RunLogLevel, string)>();

        SqlRunStatus Interrupted() => cancellationToken.IsCancellationRequested ? SqlRunStatus.Canceled : SqlRunStatus.TimedOut;

        await using var connection = new MySqlConnection(SessionConnectionString(connectionString));
        connection.InfoMessage += (_, e) =>
        {
            foreach (var error in e.Errors)
            {
                notices.Enqueue((error.Level.Equals("Warning", StringComparison.OrdinalIgnoreCase) ? RunLogLevel.Warning : RunLogLevel.Info,
                    $"{error.Level} {(int)error.ErrorCode}: {error.Message}"));
            }
        };
        try
        {
            await connection.OpenAsync(token);
        }
        catch (Exception ex) when (token.IsCancellationRequested && ex is OperationCanceledException or MySqlException)
        {
            return new SqlRunOutcome(Interrupted(), outcomes, null, time.GetElapsedTime(started));
        }
        catch (MySqlException ex)
        {
            var error = new SqlRunError(null, $"Cannot connect to the database: {ex.Message}", null, ex.SqlState);
            await observer.LogAsync(RunLogLevel.Error, error.Message);
            return new SqlRunOutcome(SqlRunStatus.Failed, outcomes, error, time.GetElapsedTime(started));
        }

        logger.LogInformation("MySQL SQL run of {StatementCount} statements started on {Host}/{Database}",
            statements.Count, connection.DataSource, connection.Database);
        foreach (var statement in statements)
        {
            var outcome = await RunStatementAsync(connection, statement, observer, options, notices, Interrupted, token);
            outcomes.Add(outcome);
            await FlushNoticesAsync(notices, observer);
            await observer.LogAsync(outcome.Error is null ? RunLogLevel.Info : RunLogLevel.Error, Describe(statement, outcome));
            await observer.StatementFinishedAsync(statement, outcome);
            if (outcome.Status != SqlRunStatus.Succeeded)
            {
                logger.LogInformation("MySQL SQL run stopped at statement {StatementIndex}: {Status}", statement.Index, outcome.Status);
                return new SqlRunOutcome(outcome.Status, outcomes, outcome.Error, time.GetElapsedTime(started));
            }
        }

        return new SqlRunOutcome(SqlRunStatus.Succeeded, outcomes, null, time.GetElapsedTime(started));
    }

    public async Task<long> ExportCsvAsync(string connectionString, SqlStatement statement, Stream output, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(output);
        using var timeoutSource = timeout is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var token = linked.Token;
        await using var connection = new MySqlConnection(SessionConnectionString(connectionString));
        await connection.OpenAsync(token);
        await using var command = new MySqlCommand(statement.Text, connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(token);
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
        while (await reader.ReadAsync(token))
        {
            ReadRow(reader, columns, values);
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

    private async Task<StatementOutcome> RunStatementAsync(MySqlConnection connection, SqlStatement statement, IRunObserver observer,
        DatabaseSqlRunOptions options, ConcurrentQueue<(RunLogLevel, string)> notices, Func<SqlRunStatus> interrupted, CancellationToken token)
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
            await using var command = new MySqlCommand(statement.Text, connection) { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync(token);
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
        catch (Exception ex) when (token.IsCancellationRequested && ex is OperationCanceledException or MySqlException)
        {
            var status = interrupted();
            var message = status == SqlRunStatus.Canceled ? "Canceled by the user." : "Stopped: the run's timeout elapsed.";
            return Outcome(status, null, new SqlRunError(statement.Index, message, statement.Start));
        }
        catch (MySqlException ex)
        {
            return Outcome(SqlRunStatus.Failed, null,
                new SqlRunError(statement.Index, ex.Message, PositionOf(statement, ex.Message), ex.SqlState, ex.Number > 0 ? $"Error {ex.Number}" : null));
        }
    }

    private async Task<(long Rows, bool Truncated)> StreamRowsAsync(MySqlDataReader reader, SqlStatement statement, int resultSet,
        List<ResultColumn> columns, IRunObserver observer, DatabaseSqlRunOptions options, ConcurrentQueue<(RunLogLevel, string)> notices,
        CancellationToken token)
    {
        var batchSize = Math.Max(1, options.BatchSize);
        var batch = new List<object?[]>(Math.Min(batchSize, Math.Max(options.RowCap, 1)));
        var lastFlush = time.GetTimestamp();
        long rows = 0;
        var truncated = false;
        while (await reader.ReadAsync(token))
        {
            if (rows >= options.RowCap)
            {
                truncated = true;
                break;
            }

            var values = new object?[columns.Count];
            ReadRow(reader, columns, values);
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

    private static List<ResultColumn> Columns(MySqlDataReader reader) =>
        [.. Enumerable.Range(0, reader.FieldCount).Select(i => new ResultColumn(reader.GetName(i), reader.GetDataTypeName(i).ToLowerInvariant(),
            reader.GetFieldType(i) == typeof(MySqlDateTime) ? typeof(DateTime) : reader.GetFieldType(i)))];

    private static void ReadRow(MySqlDataReader reader, List<ResultColumn> columns, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            try
            {
                values[i] = MySqlValues.Read(reader, i);
            }
            catch (Exception ex) when (ex is InvalidCastException or OverflowException or FormatException or NotSupportedException)
            {
                values[i] = new UnreadableValue(columns[i].TypeName, ex.Message);
            }
        }
    }

    /// <summary>
    /// MySQL reports syntax errors as "… near 'text' at line N" (N counts lines of the statement sent): the position of
    /// that text on that line, mapped back into the script; else the statement's start.
    /// </summary>
    internal static SqlPosition PositionOf(SqlStatement statement, string message)
    {
        var m = NearAtLine().Match(message);
        if (!m.Success || !int.TryParse(m.Groups["line"].Value, out var line) || line < 1)
        {
            return statement.Start;
        }

        var text = statement.Text;
        var offset = 0;
        for (var l = 1; l < line && offset >= 0; l++)
        {
            offset = text.IndexOf('\n', offset);
            offset = offset < 0 ? -1 : offset + 1;
        }

        if (offset < 0)
        {
            return statement.Start;
        }

        var near = m.Groups["near"].Value;
        if (near.Length > 0 && text.IndexOf(near[..Math.Min(near.Length, 20)], offset, StringComparison.Ordinal) is var at and >= 0)
        {
            offset = at;
        }

        return statement.ScriptPositionOf(offset);
    }

    private static async Task FlushNoticesAsync(ConcurrentQueue<(RunLogLevel Level, string Text)> notices, IRunObserver observer)
    {
        while (notices.TryDequeue(out var notice))
        {
            await observer.LogAsync(notice.Level, notice.Text);
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

    /// <summary>A run is one fresh session (no pooling, so no session state leaks between runs); timeouts are the run's own.</summary>
    private static string SessionConnectionString(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { Pooling = false, DefaultCommandTimeout = 0 }.ConnectionString;

    [GeneratedRegex(@"near '(?<near>.*?)' at line (?<line>\d+)", RegexOptions.Singleline)]
    private static partial Regex NearAtLine();
}
