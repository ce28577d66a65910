using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Studio;

namespace AllData.Infrastructure.Studio;

/// <summary>
/// Runs Database SQL statements in one session of one kind of source, streaming results to an <see cref="IRunObserver"/>.
/// One implementation per <see cref="DataSourceKind"/>: PostgreSQL (<see cref="DatabaseSqlEngine"/>), MySQL/MariaDB.
/// </summary>
public interface IDatabaseSqlEngine
{
    DataSourceKind Kind { get; }

    /// <param name="connectionString">Built by the kind's catalog reader from the data source.</param>
    /// <param name="statements">Statements with variables already substituted.</param>
    Task<SqlRunOutcome> RunAsync(string connectionString, IReadOnlyList<SqlStatement> statements, IRunObserver observer,
        DatabaseSqlRunOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Streams the full result of one query as CSV; returns the data rows written.</summary>
    Task<long> ExportCsvAsync(string connectionString, SqlStatement statement, Stream output, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);
}

/// <summary>EXPLAIN of one statement in the plan-tree shape the studio shows, for one kind of source.</summary>
public interface IPlanExplainer
{
    DataSourceKind Kind { get; }

    /// <param name="sql">One statement, variables substituted, without its terminating semicolon.</param>
    /// <param name="analyze">Execute it (inside a rolled-back transaction) to get actual rows and times.</param>
    Task<ExplainResult> ExplainAsync(string connectionString, string sql, bool analyze, CancellationToken ct);
}

/// <summary>Where a Database SQL job runs: its source's kind and connection string.</summary>
public sealed record SqlTarget(DataSourceKind Kind, string ConnectionString)
{
    public override string ToString() => Kind.ToString();
}

/// <summary>Finds the engine and the explainer of a source kind.</summary>
public sealed class DatabaseSqlEngines(IEnumerable<IDatabaseSqlEngine> engines, IEnumerable<IPlanExplainer> explainers)
{
    private readonly Dictionary<DataSourceKind, IDatabaseSqlEngine> _engines = engines.ToDictionary(e => e.Kind);
    private readonly Dictionary<DataSourceKind, IPlanExplainer> _explainers = explainers.ToDictionary(e => e.Kind);

    public IDatabaseSqlEngine For(DataSourceKind kind) =>
        _engines.TryGetValue(kind, out var engine) ? engine : throw new DomainException($"Running SQL on {kind} sources is not available.");

    public IPlanExplainer ExplainerFor(DataSourceKind kind) =>
        _explainers.TryGetValue(kind, out var explainer) ? explainer : throw new DomainException($"Explain is not available for {kind} sources.");
}
