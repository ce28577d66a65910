namespace AllData.Web.Components.Shared.SqlEditor;

/// <summary>
/// Catalog items the SQL editor offers in its completion list, read from the job's data source. Answers are cached in the
/// browser for a minute per editor.
/// </summary>
public interface ICompletionCatalog
{
    Task<IReadOnlyList<string>> SchemasAsync(CancellationToken cancellationToken);

    /// <summary>Tables and views of one schema, or of the search path / default database when <paramref name="schema"/> is null.</summary>
    Task<IReadOnlyList<CompletionTable>> TablesAsync(string? schema, CancellationToken cancellationToken);

    /// <summary>Columns of a table; <paramref name="schema"/> is null when the script did not qualify the table.</summary>
    Task<IReadOnlyList<CompletionColumn>> ColumnsAsync(string? schema, string table, CancellationToken cancellationToken);
}

/// <summary>A table or view offered by completion; <see cref="Kind"/> is shown beside it ("table", "view").</summary>
public sealed record CompletionTable(string? Schema, string Name, string Kind = "table");

/// <summary>A column offered by completion, with its type shown beside it.</summary>
public sealed record CompletionColumn(string Name, string? DataType);
