namespace AllData.Web;

/// <summary>Marker for the Flink pages' UI strings in Resources/FlinkResource(.zh-CN).resx.</summary>
public sealed class FlinkResource;
