using AllData.Domain.Operations;
using AllData.Domain.Studio;

namespace AllData.Infrastructure.Studio;

/// <summary>How a database SQL run (or one statement of it) ended.</summary>
public enum SqlRunStatus
{
    Succeeded,

    /// <summary>The database reported an error, or the connection failed.</summary>
    Failed,

    /// <summary>The caller's token fired (Stop button): the running statement was canceled on the server.</summary>
    Canceled,

    /// <summary>The run's timeout elapsed: the running statement was canceled on the server.</summary>
    TimedOut,
}

/// <summary>A result column: its name, PostgreSQL type name (<c>integer</c>, <c>timestamp with time zone</c>) and .NET type.</summary>
public sealed record ResultColumn(string Name, string TypeName, Type ClrType);

/// <summary>A value Npgsql could not turn into .NET (a numeric beyond decimal, an infinite date); shown, not hidden.</summary>
public sealed record UnreadableValue(string TypeName, string Reason)
{
    public override string ToString() => $"<{TypeName}: {Reason}>";
}

/// <summary>An error of a run, placed in the script when it belongs to a statement.</summary>
/// <param name="StatementIndex">0-based index of the failing statement; null when the run failed before any (connection).</param>
/// <param name="Position">Where in the script: PostgreSQL's error position mapped back, else the statement's start.</param>
public sealed record SqlRunError(int? StatementIndex, string Message, SqlPosition? Position, string? SqlState = null, string? Detail = null, string? Hint = null);

/// <summary>What one statement did.</summary>
/// <param name="RowsAffected">For DML (and statements without a result set that report a count); null otherwise.</param>
/// <param name="Columns">The columns of the first result set; null when the statement returned none.</param>
/// <param name="RowCount">Rows delivered to the observer (at most the row cap per result set).</param>
/// <param name="Truncated">More rows existed than the row cap let through.</param>
public sealed record StatementOutcome(
    int Index,
    SqlStatementKind Kind,
    SqlRunStatus Status,
    TimeSpan Duration,
    long? RowsAffected,
    IReadOnlyList<ResultColumn>? Columns,
    long RowCount,
    bool Truncated,
    SqlRunError? Error);

/// <summary>How the whole run ended; statements after a failing, canceled or timed-out one did not run.</summary>
public sealed record SqlRunOutcome(SqlRunStatus Status, IReadOnlyList<StatementOutcome> Statements, SqlRunError? Error, TimeSpan Duration)
{
    public string Summary => Status switch
    {
        SqlRunStatus.Succeeded => $"{Statements.Count} statement(s) in {Duration.TotalMilliseconds:0} ms",
        SqlRunStatus.Failed => $"Failed: {Error?.Message}",
        SqlRunStatus.Canceled => $"Canceled after {Statements.Count(s => s.Status == SqlRunStatus.Succeeded)} statement(s)",
        _ => $"Timed out after {Duration.TotalSeconds:0.#} s",
    };
}

/// <param name="RowCap">Rows kept per result set; more set <see cref="StatementOutcome.Truncated"/>.</param>
/// <param name="Timeout">For the whole run; null for none. A statement running when it elapses is canceled on the server.</param>
/// <param name="BatchSize">Rows per <see cref="IRunObserver.RowsAsync"/> call (a batch is also sent after ~250 ms).</param>
public sealed record DatabaseSqlRunOptions(int RowCap = DatabaseSqlRunOptions.DefaultRowCap, TimeSpan? Timeout = null, int BatchSize = 500)
{
    public const int DefaultRowCap = 10_000;

    public static DatabaseSqlRunOptions Default { get; } = new();
}

/// <summary>
/// Where a run reports as it goes (the run orchestrator: log table, SignalR, result grid). Engines never touch the UI.
/// Calls come one at a time, in order, from the run's own task.
/// </summary>
public interface IRunObserver
{
    ValueTask StatementStartedAsync(SqlStatement statement);

    /// <summary>A line for the run's console: progress, server notices (RAISE NOTICE), errors. Never contains the SQL text.</summary>
    ValueTask LogAsync(RunLogLevel level, string text);

    ValueTask ResultSetStartedAsync(SqlStatement statement, int resultSet, IReadOnlyList<ResultColumn> columns);

    /// <summary>A batch of rows: one <c>object?[]</c> per row, <c>null</c> for SQL NULL (an empty string stays <c>""</c>).</summary>
    ValueTask RowsAsync(SqlStatement statement, int resultSet, IReadOnlyList<object?[]> rows);

    ValueTask StatementFinishedAsync(SqlStatement statement, StatementOutcome outcome);
}
