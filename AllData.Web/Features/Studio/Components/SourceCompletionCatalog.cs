using AllData.Infrastructure.Catalog;
using AllData.Web.Components.Shared.SqlEditor;

namespace AllData.Web.Features.Studio.Components;

/// <summary>Editor completion from the synced catalog of one data source (schemas, tables, columns).</summary>
internal sealed class SourceCompletionCatalog(CatalogService catalog, Guid sourceId) : ICompletionCatalog
{
    private readonly Dictionary<string, IReadOnlyList<TreeTable>> _tables = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<string>> SchemasAsync(CancellationToken cancellationToken) =>
        [.. (await catalog.GetSchemasAsync(sourceId, cancellationToken)).Select(s => s.Name)];

    public async Task<IReadOnlyList<CompletionTable>> TablesAsync(string? schema, CancellationToken cancellationToken)
    {
        var schemas = schema is null ? await SchemasAsync(cancellationToken) : [schema];
        List<CompletionTable> result = [];
        foreach (var name in schemas)
        {
            result.AddRange((await TablesOfAsync(name, cancellationToken)).Select(t => new CompletionTable(t.Schema, t.Name, t.Kind.ToString().ToLowerInvariant())));
        }

        return result;
    }

    public async Task<IReadOnlyList<CompletionColumn>> ColumnsAsync(string? schema, string table, CancellationToken cancellationToken)
    {
        var schemas = schema is null ? await SchemasAsync(cancellationToken) : [schema];
        foreach (var name in schemas)
        {
            var match = (await TablesOfAsync(name, cancellationToken)).FirstOrDefault(t => string.Equals(t.Name, table, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
            {
                var details = await catalog.GetTableAsync(match.Id, cancellationToken);
                return [.. details.Columns.OrderBy(c => c.Position).Select(c => new CompletionColumn(c.Name, c.DataType))];
            }
        }

        return [];
    }

    private async Task<IReadOnlyList<TreeTable>> TablesOfAsync(string schema, CancellationToken ct)
    {
        if (!_tables.TryGetValue(schema, out var tables))
        {
            tables = await catalog.GetTablesAsync(sourceId, schema, ct);
            _tables[schema] = tables;
        }

        return tables;
    }
}
