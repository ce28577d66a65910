namespace AllData.Web;

/// <summary>Marker for the quality screens' strings in Resources/QualityResource(.zh-CN).resx.</summary>
public sealed class QualityResource;
