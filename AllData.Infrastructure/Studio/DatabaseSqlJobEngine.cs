using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Operations;
using AllData.Domain.Studio;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Studio;

/// <summary>Runs Database SQL jobs with <see cref="DatabaseSqlEngine"/> on the job's data source; results go to the <see cref="StudioResultStore"/>.</summary>
internal sealed class DatabaseSqlJobEngine(
    IDbContextFactory<AllDataDbContext> factory,
    DataSourceSecrets sourceSecrets,
    DatabaseSqlEngines engines,
    CatalogReaders readers,
    StudioResultStore results,
    ILiveEvents events) : IJobEngine
{
    public RunEngine Engine => RunEngine.DatabaseSql;

    public bool TrackedAfterRestart => false;

    public async Task<EngineOutcome> ExecuteAsync(RunContext context, IRunReporter reporter, CancellationToken cancellationToken)
    {
        var dataSourceId = context.Settings.DataSourceId ?? throw new DomainException("Choose a data source for this job first.");
        var target = await TargetAsync(context.WorkspaceId, dataSourceId, cancellationToken);
        var store = results.Open(context.RunId, context.WorkspaceId, dataSourceId, context.Statements);
        await reporter.TransitionAsync((r, at) => r.MarkRunning(at), cancellationToken);
        var observer = new Observer(reporter, store, events);
        var options = new DatabaseSqlRunOptions(context.Settings.RowCap, context.Timeout);
        var outcome = await engines.For(target.Kind).RunAsync(target.ConnectionString, context.Statements, observer, options, cancellationToken);
        store.RunningStatement = null;
        events.Publish(new StudioResultsChanged(context.WorkspaceId, context.RunId));
        return outcome.Status switch
        {
            SqlRunStatus.Succeeded => EngineOutcome.Finished(outcome.Summary),
            SqlRunStatus.Canceled => EngineOutcome.Canceled(outcome.Summary),
            SqlRunStatus.TimedOut => EngineOutcome.TimedOut(outcome.Summary),
            _ => EngineOutcome.Failed(Describe(outcome.Error), outcome.Summary),
        };
    }

    public Task<bool> CancelAsync(JobRun run, IRunReporter reporter, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>The kind and the session connection string of a data source of the workspace.</summary>
    public async Task<SqlTarget> TargetAsync(Guid workspaceId, Guid dataSourceId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        var source = await db.Set<DataSource>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == dataSourceId, ct)
                     ?? throw new DomainException("The job's data source no longer exists.");
        if (!source.IsEnabled)
        {
            throw new DomainException($"The data source '{source.Name}' is disabled.");
        }

        return new SqlTarget(source.Kind, readers.For(source.Kind).ConnectionString(sourceSecrets.ConnectionOf(source), 10, pooling: false, "AllData studio"));
    }

    private static string Describe(SqlRunError? error) => error switch
    {
        null => "The run failed.",
        { StatementIndex: { } i, Position: { } p } => $"Statement {i + 1} ({p}): {error.Message}",
        _ => error.Message,
    };

    private sealed class Observer(IRunReporter reporter, StudioRunResults store, ILiveEvents events) : IRunObserver
    {
        private readonly Dictionary<(int, int), StudioResultSet> _sets = [];

        public ValueTask StatementStartedAsync(SqlStatement statement)
        {
            store.RunningStatement = statement.Index;
            Changed();
            return ValueTask.CompletedTask;
        }

        public async ValueTask LogAsync(RunLogLevel level, string text) => await reporter.LogAsync(level, text);

        public ValueTask ResultSetStartedAsync(SqlStatement statement, int resultSet, IReadOnlyList<ResultColumn> columns)
        {
            var set = new StudioResultSet(statement.Index, resultSet, columns);
            _sets[(statement.Index, resultSet)] = set;
            store.Add(set);
            Changed();
            return ValueTask.CompletedTask;
        }

        public ValueTask RowsAsync(SqlStatement statement, int resultSet, IReadOnlyList<object?[]> rows)
        {
            _sets[(statement.Index, resultSet)].Add(rows);
            Changed();
            return ValueTask.CompletedTask;
        }

        public ValueTask StatementFinishedAsync(SqlStatement statement, StatementOutcome outcome)
        {
            foreach (var set in _sets.Values.Where(s => s.StatementIndex == statement.Index))
            {
                set.Truncated = outcome.Truncated;
            }

            store.Finished(outcome);
            Changed();
            return ValueTask.CompletedTask;
        }

        private void Changed() => events.Publish(new StudioResultsChanged(store.WorkspaceId, store.RunId));
    }
}
