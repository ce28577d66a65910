namespace AllData.Web;

/// <summary>Marker for the studio's UI strings in Resources/StudioResource(.zh-CN).resx.</summary>
public sealed class StudioResource;
