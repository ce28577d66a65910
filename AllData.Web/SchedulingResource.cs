namespace AllData.Web;

/// <summary>Marker for the schedules screens' strings in Resources/SchedulingResource(.zh-CN).resx.</summary>
public sealed class SchedulingResource;
