namespace AllData.Web;

/// <summary>Marker for the alert pages' UI strings in Resources/AlertsResource(.zh-CN).resx.</summary>
public sealed class AlertsResource;
