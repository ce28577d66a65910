namespace AllData.Web;

/// <summary>Marker for the shared UI strings in Resources/SharedResource(.zh-CN).resx.</summary>
public sealed class SharedResource;
