namespace AllData.Web;

/// <summary>Marker for the catalog's UI strings in Resources/CatalogResource(.zh-CN).resx.</summary>
public sealed class CatalogResource;
