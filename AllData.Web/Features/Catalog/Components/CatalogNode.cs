using AllData.Domain.Catalog;
using MudBlazor;

namespace AllData.Web.Features.Catalog.Components;

public enum CatalogNodeKind
{
    Source = 1,
    Schema = 2,
    Table = 3,
}

/// <summary>A node of the catalog tree: a source, one of its schemas, or a table.</summary>
public sealed record CatalogNode(CatalogNodeKind Kind, Guid SourceId, string Text, string? Schema = null, Guid? TableId = null, TableKind? TableKind = null)
{
    public string Icon => Kind switch
    {
        CatalogNodeKind.Source => Icons.Material.Outlined.Storage,
        CatalogNodeKind.Schema => Icons.Material.Outlined.Folder,
        _ => CatalogUi.KindIcon(TableKind ?? Domain.Catalog.TableKind.Table),
    };

    public TreeItemData<CatalogNode> ToItem(bool expanded = false, IEnumerable<CatalogNode>? children = null) => new()
    {
        Value = this,
        Text = Text,
        Icon = Icon,
        Expandable = Kind != CatalogNodeKind.Table,
        Expanded = expanded,
        Children = children?.Select(c => c.ToItem(expanded)).ToList(),
    };
}
