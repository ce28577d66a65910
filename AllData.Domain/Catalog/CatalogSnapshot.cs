namespace AllData.Domain.Catalog;

/// <summary>The kinds of relation the catalog knows.</summary>
public enum TableKind
{
    Table = 1,
    View = 2,
    MaterializedView = 3,
    PartitionedTable = 4,
    ForeignTable = 5,
}

/// <summary>Whether a column's value is produced by the database.</summary>
public enum ColumnGeneration
{
    None = 0,
    IdentityAlways = 1,
    IdentityByDefault = 2,
    Stored = 3,

    /// <summary>A MySQL/MariaDB VIRTUAL generated column (computed on read, not stored).</summary>
    Virtual = 4,
}

/// <summary>A source's metadata as read at one moment: what a catalog reader returns.</summary>
public sealed record CatalogSnapshot(IReadOnlyList<SchemaSnapshot> Schemas, IReadOnlyList<TableSnapshot> Tables);

public sealed record SchemaSnapshot(string Name, string? Comment);

/// <summary>A relation with everything the catalog stores about its structure.</summary>
public sealed record TableSnapshot
{
    public required string Schema { get; init; }

    public required string Name { get; init; }

    public TableKind Kind { get; init; } = TableKind.Table;

    public string? Comment { get; init; }

    public long? EstimatedRows { get; init; }

    public long? TotalBytes { get; init; }

    /// <summary>The query of a view or materialized view.</summary>
    public string? Definition { get; init; }

    /// <summary>The partition key of a partitioned table, e.g. <c>RANGE (created_at)</c>.</summary>
    public string? PartitionKey { get; init; }

    public IReadOnlyList<ColumnSnapshot> Columns { get; init; } = [];

    public KeyConstraint? PrimaryKey { get; init; }

    public IReadOnlyList<KeyConstraint> UniqueConstraints { get; init; } = [];

    public IReadOnlyList<ForeignKey> ForeignKeys { get; init; } = [];

    public IReadOnlyList<TableIndex> Indexes { get; init; } = [];

    public TableKey Key => new(Schema, Name);
}

/// <summary>A column; <see cref="Default"/> holds the generation expression of a stored generated column.</summary>
public sealed record ColumnSnapshot(
    int Position,
    string Name,
    string DataType,
    bool IsNullable,
    string? Default = null,
    ColumnGeneration Generation = ColumnGeneration.None,
    string? Comment = null);

public sealed record KeyConstraint(string Name, IReadOnlyList<string> Columns);

public sealed record ForeignKey(
    string Name,
    IReadOnlyList<string> Columns,
    string ReferencedSchema,
    string ReferencedTable,
    IReadOnlyList<string> ReferencedColumns,
    string OnUpdate = "NO ACTION",
    string OnDelete = "NO ACTION");

/// <summary>An index with its full definition as the database prints it.</summary>
public sealed record TableIndex(string Name, string Definition, bool IsUnique, bool IsPrimary, bool BacksConstraint);

/// <summary>A table's identity inside one source.</summary>
public readonly record struct TableKey(string Schema, string Name)
{
    public override string ToString() => $"{Schema}.{Name}";
}
