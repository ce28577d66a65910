namespace AllData.Web;

/// <summary>Marker for the operations center's UI strings in Resources/OperationsResource(.zh-CN).resx.</summary>
public sealed class OperationsResource;
