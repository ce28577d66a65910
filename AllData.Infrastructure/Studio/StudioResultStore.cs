using System.Collections.Concurrent;
using AllData.Domain.Studio;
using AllData.Infrastructure.Operations;

namespace AllData.Infrastructure.Studio;

/// <summary>A run's result set as kept for the studio: at most the job's row cap rows.</summary>
public sealed class StudioResultSet(int statementIndex, int resultSet, IReadOnlyList<ResultColumn> columns)
{
    private readonly List<object?[]> _rows = [];
    private readonly Lock _gate = new();

    public int StatementIndex { get; } = statementIndex;

    public int ResultSet { get; } = resultSet;

    public IReadOnlyList<ResultColumn> Columns { get; } = columns;

    public bool Truncated { get; internal set; }

    public int RowCount
    {
        get
        {
            lock (_gate)
            {
                return _rows.Count;
            }
        }
    }

    /// <summary>A copy of the rows so far (the run may still be adding).</summary>
    public IReadOnlyList<object?[]> Rows()
    {
        lock (_gate)
        {
            return [.. _rows];
        }
    }

    internal void Add(IReadOnlyList<object?[]> rows)
    {
        lock (_gate)
        {
            _rows.AddRange(rows);
        }
    }
}

/// <summary>What the studio shows of a run while its page is open: statement outcomes and result sets (in memory only).</summary>
public sealed class StudioRunResults(Guid runId, Guid workspaceId, Guid dataSourceId, IReadOnlyList<SqlStatement> statements)
{
    private readonly ConcurrentDictionary<int, StatementOutcome> _outcomes = new();
    private readonly ConcurrentQueue<StudioResultSet> _resultSets = new();

    public Guid RunId { get; } = runId;

    public Guid WorkspaceId { get; } = workspaceId;

    public Guid DataSourceId { get; } = dataSourceId;

    /// <summary>The statements as run (variables substituted): the CSV export runs one again.</summary>
    internal IReadOnlyList<SqlStatement> Statements { get; } = statements;

    public int? RunningStatement { get; internal set; }

    public IReadOnlyList<StudioResultSet> ResultSets => [.. _resultSets];

    public IReadOnlyList<StatementOutcome> Outcomes => [.. _outcomes.Values.OrderBy(o => o.Index)];

    internal void Add(StudioResultSet set) => _resultSets.Enqueue(set);

    internal void Finished(StatementOutcome outcome) => _outcomes[outcome.Index] = outcome;
}

/// <summary>Studio results changed for a run (a statement started or ended, rows arrived); the page re-reads the store.</summary>
public sealed record StudioResultsChanged(Guid WorkspaceId, Guid RunId) : LiveEvent(WorkspaceId);

/// <summary>
/// Keeps the result sets of recent studio runs in memory, bounded: each result set by the job's row cap, the store by
/// <see cref="MaxRuns"/> runs (the oldest are dropped). Never stored in the database.
/// </summary>
public sealed class StudioResultStore
{
    public const int MaxRuns = 50;
    private readonly ConcurrentDictionary<Guid, StudioRunResults> _runs = new();
    private readonly ConcurrentQueue<Guid> _order = new();

    public StudioRunResults? Find(Guid runId) => _runs.GetValueOrDefault(runId);

    internal StudioRunResults Open(Guid runId, Guid workspaceId, Guid dataSourceId, IReadOnlyList<SqlStatement> statements)
    {
        var results = new StudioRunResults(runId, workspaceId, dataSourceId, statements);
        _runs[runId] = results;
        _order.Enqueue(runId);
        while (_order.Count > MaxRuns && _order.TryDequeue(out var oldest))
        {
            _runs.TryRemove(oldest, out _);
        }

        return results;
    }
}
