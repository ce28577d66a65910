namespace AllData.Web;

/// <summary>Marker for MudBlazor's own texts (pager, filters, dialogs) in Resources/MudResource(.zh-CN).resx, keyed as MudBlazor keys them.</summary>
public sealed class MudResource;
