using AllData.Domain.Common;

namespace AllData.Domain.Catalog;

/// <summary>A schema of a source as last synced.</summary>
public sealed class CatalogSchema : IWorkspaceOwned
{
    private CatalogSchema()
    {
        Name = string.Empty;
    }

    public CatalogSchema(Guid workspaceId, Guid dataSourceId, string name, string? comment)
    {
        Id = Guid.CreateVersion7();
        WorkspaceId = workspaceId;
        DataSourceId = dataSourceId;
        Name = name;
        Comment = comment;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid DataSourceId { get; private set; }

    public string Name { get; private set; }

    public string? Comment { get; private set; }
}

/// <summary>
/// A relation of a source as last synced, plus what users wrote about it (description, tags, owner), which
/// every sync keeps.
/// </summary>
public sealed class CatalogTable : IWorkspaceOwned
{
    public const int MaxDescriptionLength = 4000;

    private CatalogTable()
    {
        SchemaName = Name = SearchText = string.Empty;
    }

    public CatalogTable(Guid workspaceId, Guid dataSourceId, TableSnapshot snapshot, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        DataSourceId = dataSourceId;
        SchemaName = snapshot.Schema;
        Name = snapshot.Name;
        SearchText = string.Empty;
        FirstSeenAt = at;
        Refresh(snapshot, at);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid DataSourceId { get; private set; }

    public string SchemaName { get; private set; }

    public string Name { get; private set; }

    public TableKind Kind { get; private set; }

    public string? Comment { get; private set; }

    public long? EstimatedRows { get; private set; }

    public long? TotalBytes { get; private set; }

    public string? Definition { get; private set; }

    public string? PartitionKey { get; private set; }

    public KeyConstraint? PrimaryKey { get; private set; }

    public IReadOnlyList<KeyConstraint> UniqueConstraints { get; private set; } = [];

    public IReadOnlyList<ForeignKey> ForeignKeys { get; private set; } = [];

    public IReadOnlyList<TableIndex> Indexes { get; private set; } = [];

    public string? Description { get; private set; }

    public IReadOnlyList<string> Tags { get; private set; } = [];

    public string? Owner { get; private set; }

    /// <summary>Lower-cased name, comment, description and tags: what global search matches.</summary>
    public string SearchText { get; private set; }

    public DateTimeOffset FirstSeenAt { get; private set; }

    public DateTimeOffset LastSyncedAt { get; private set; }

    public TableKey Key => new(SchemaName, Name);

    /// <summary>Takes the structure from a new snapshot; user-authored fields stay.</summary>
    public void Refresh(TableSnapshot snapshot, DateTimeOffset at)
    {
        Kind = snapshot.Kind;
        Comment = snapshot.Comment;
        EstimatedRows = snapshot.EstimatedRows;
        TotalBytes = snapshot.TotalBytes;
        Definition = snapshot.Definition;
        PartitionKey = snapshot.PartitionKey;
        PrimaryKey = snapshot.PrimaryKey;
        UniqueConstraints = snapshot.UniqueConstraints;
        ForeignKeys = snapshot.ForeignKeys;
        Indexes = snapshot.Indexes;
        LastSyncedAt = at;
        SearchText = CatalogText.Search(Name, Comment, Description, Tags);
    }

    public void Annotate(string? description, IEnumerable<string>? tags, string? owner)
    {
        Description = CatalogText.Description(description);
        Tags = CatalogText.Tags(tags);
        Owner = string.IsNullOrWhiteSpace(owner) ? null : owner.Trim()[..Math.Min(owner.Trim().Length, 120)];
        SearchText = CatalogText.Search(Name, Comment, Description, Tags);
    }

    /// <summary>The table as a snapshot with the given columns, e.g. to generate DDL or to diff.</summary>
    public TableSnapshot ToSnapshot(IEnumerable<CatalogColumn> columns) => new()
    {
        Schema = SchemaName,
        Name = Name,
        Kind = Kind,
        Comment = Comment,
        EstimatedRows = EstimatedRows,
        TotalBytes = TotalBytes,
        Definition = Definition,
        PartitionKey = PartitionKey,
        Columns = [.. columns.OrderBy(c => c.Position).Select(c => c.ToSnapshot())],
        PrimaryKey = PrimaryKey,
        UniqueConstraints = UniqueConstraints,
        ForeignKeys = ForeignKeys,
        Indexes = Indexes,
    };
}

/// <summary>A column of a catalog table as last synced, plus its user description and tags.</summary>
public sealed class CatalogColumn : IWorkspaceOwned
{
    private CatalogColumn()
    {
        Name = DataType = SearchText = string.Empty;
    }

    public CatalogColumn(Guid workspaceId, Guid dataSourceId, Guid tableId, ColumnSnapshot snapshot)
    {
        Id = Guid.CreateVersion7();
        WorkspaceId = workspaceId;
        DataSourceId = dataSourceId;
        TableId = tableId;
        Name = snapshot.Name;
        DataType = SearchText = string.Empty;
        Refresh(snapshot);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid DataSourceId { get; private set; }

    public Guid TableId { get; private set; }

    public int Position { get; private set; }

    public string Name { get; private set; }

    public string DataType { get; private set; }

    public bool IsNullable { get; private set; }

    public string? Default { get; private set; }

    public ColumnGeneration Generation { get; private set; }

    public string? Comment { get; private set; }

    public string? Description { get; private set; }

    public IReadOnlyList<string> Tags { get; private set; } = [];

    public string SearchText { get; private set; }

    public void Refresh(ColumnSnapshot snapshot)
    {
        Position = snapshot.Position;
        DataType = snapshot.DataType;
        IsNullable = snapshot.IsNullable;
        Default = snapshot.Default;
        Generation = snapshot.Generation;
        Comment = snapshot.Comment;
        SearchText = CatalogText.Search(Name, Comment, Description, Tags);
    }

    public void Annotate(string? description, IEnumerable<string>? tags)
    {
        Description = CatalogText.Description(description);
        Tags = CatalogText.Tags(tags);
        SearchText = CatalogText.Search(Name, Comment, Description, Tags);
    }

    public ColumnSnapshot ToSnapshot() => new(Position, Name, DataType, IsNullable, Default, Generation, Comment);
}

/// <summary>The text rules of user-authored catalog fields.</summary>
public static class CatalogText
{
    public const int MaxTags = 20;
    public const int MaxTagLength = 40;

    public static string? Description(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return null;
        }

        var trimmed = description.Trim();
        return trimmed.Length <= CatalogTable.MaxDescriptionLength
            ? trimmed
            : throw new DomainException($"A description has at most {CatalogTable.MaxDescriptionLength} characters.");
    }

    public static IReadOnlyList<string> Tags(IEnumerable<string>? tags)
    {
        var result = (tags ?? []).Select(t => t.Trim()).Where(t => t.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (result.Count > MaxTags)
        {
            throw new DomainException($"At most {MaxTags} tags.");
        }

        return result.FirstOrDefault(t => t.Length > MaxTagLength) is { } tooLong
            ? throw new DomainException($"The tag '{tooLong}' is longer than {MaxTagLength} characters.")
            : result;
    }

    public static string Search(string name, string? comment, string? description, IEnumerable<string> tags) =>
        string.Join(' ', new[] { name, comment, description }.Concat(tags).Where(s => !string.IsNullOrEmpty(s)))
            .ToLowerInvariant();
}
