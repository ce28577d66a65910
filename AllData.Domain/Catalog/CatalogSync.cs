using AllData.Domain.Common;

namespace AllData.Domain.Catalog;

public enum SyncStatus
{
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>One metadata sync of a source: when, how long, how it ended and what it changed.</summary>
public sealed class CatalogSyncRun : IWorkspaceOwned
{
    private CatalogSyncRun()
    {
    }

    public CatalogSyncRun(Guid workspaceId, Guid dataSourceId, DateTimeOffset startedAt)
    {
        Id = Guid.CreateVersion7(startedAt);
        WorkspaceId = workspaceId;
        DataSourceId = dataSourceId;
        StartedAt = startedAt;
        Status = SyncStatus.Running;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid DataSourceId { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public SyncStatus Status { get; private set; }

    public int TableCount { get; private set; }

    public int ColumnCount { get; private set; }

    public int TablesAdded { get; private set; }

    public int TablesRemoved { get; private set; }

    public int ColumnsAdded { get; private set; }

    public int ColumnsRemoved { get; private set; }

    public int ColumnsChanged { get; private set; }

    /// <summary>How many catalog queries the reader issued against the source.</summary>
    public int QueryCount { get; private set; }

    public string? Error { get; private set; }

    public TimeSpan? Duration => FinishedAt - StartedAt;

    public void Succeed(DateTimeOffset at, int tables, int columns, int queries, IReadOnlyCollection<CatalogChangeItem> changes)
    {
        EnsureRunning();
        Status = SyncStatus.Succeeded;
        FinishedAt = at;
        TableCount = tables;
        ColumnCount = columns;
        QueryCount = queries;
        TablesAdded = changes.Count(c => c.Kind == CatalogChangeKind.TableAdded);
        TablesRemoved = changes.Count(c => c.Kind == CatalogChangeKind.TableRemoved);
        ColumnsAdded = changes.Count(c => c.Kind == CatalogChangeKind.ColumnAdded);
        ColumnsRemoved = changes.Count(c => c.Kind == CatalogChangeKind.ColumnRemoved);
        ColumnsChanged = changes.Count(c => c.Kind == CatalogChangeKind.ColumnChanged);
    }

    public void Fail(DateTimeOffset at, string error, int queries)
    {
        EnsureRunning();
        Status = SyncStatus.Failed;
        FinishedAt = at;
        QueryCount = queries;
        Error = error.Length <= 2000 ? error : error[..2000];
    }

    private void EnsureRunning()
    {
        if (Status != SyncStatus.Running)
        {
            throw new DomainException("This sync has already ended.");
        }
    }
}

/// <summary>One recorded schema change, kept as the history of its table (by schema and name).</summary>
public sealed class CatalogChange : IWorkspaceOwned
{
    private CatalogChange()
    {
        SchemaName = TableName = string.Empty;
    }

    public CatalogChange(Guid workspaceId, Guid dataSourceId, Guid syncRunId, DateTimeOffset at, CatalogChangeItem item)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        DataSourceId = dataSourceId;
        SyncRunId = syncRunId;
        At = at;
        Kind = item.Kind;
        SchemaName = item.Table.Schema;
        TableName = item.Table.Name;
        ColumnName = item.Column;
        Aspects = item.Aspects;
        Before = item.Before;
        After = item.After;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid DataSourceId { get; private set; }

    public Guid SyncRunId { get; private set; }

    public DateTimeOffset At { get; private set; }

    public CatalogChangeKind Kind { get; private set; }

    public string SchemaName { get; private set; }

    public string TableName { get; private set; }

    public string? ColumnName { get; private set; }

    public ColumnAspects Aspects { get; private set; }

    public string? Before { get; private set; }

    public string? After { get; private set; }
}
