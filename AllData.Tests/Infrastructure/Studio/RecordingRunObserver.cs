using System.Collections.Concurrent;
using AllData.Domain.Operations;
using AllData.Domain.Studio;
using AllData.Infrastructure.Studio;

namespace AllData.Tests.Infrastructure.Studio;

/// <summary>Test observer: records every event of a run.</summary>
internal sealed class RecordingRunObserver : IRunObserver
{
    public ConcurrentQueue<int> Started { get; } = new();

    public ConcurrentQueue<(RunLogLevel Level, string Text)> Log { get; } = new();

    public ConcurrentDictionary<(int Statement, int ResultSet), IReadOnlyList<ResultColumn>> Columns { get; } = new();

    public ConcurrentDictionary<(int Statement, int ResultSet), List<object?[]>> Rows { get; } = new();

    public ConcurrentQueue<StatementOutcome> Finished { get; } = new();

    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public ValueTask StatementStartedAsync(SqlStatement statement)
    {
        Started.Enqueue(statement.Index);
        return ValueTask.CompletedTask;
    }

    public ValueTask LogAsync(RunLogLevel level, string text)
    {
        Log.Enqueue((level, text));
        return ValueTask.CompletedTask;
    }

    public ValueTask ResultSetStartedAsync(SqlStatement statement, int resultSet, IReadOnlyList<ResultColumn> columns)
    {
        Columns[(statement.Index, resultSet)] = columns;
        return ValueTask.CompletedTask;
    }

    public ValueTask RowsAsync(SqlStatement statement, int resultSet, IReadOnlyList<object?[]> rows)
    {
        Rows.GetOrAdd((statement.Index, resultSet), _ => []).AddRange(rows);
        BatchSizes.Enqueue(rows.Count);
        return ValueTask.CompletedTask;
    }

    public ValueTask StatementFinishedAsync(SqlStatement statement, StatementOutcome outcome)
    {
        Finished.Enqueue(outcome);
        return ValueTask.CompletedTask;
    }
}
