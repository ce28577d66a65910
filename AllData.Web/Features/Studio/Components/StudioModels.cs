using AllData.Domain.Jobs;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace AllData.Web.Features.Studio.Components;

public enum StudioNodeKind
{
    Folder,
    Job,
}

/// <summary>A node of the studio's job tree.</summary>
public sealed record StudioNode(StudioNodeKind Kind, Guid Id, string Name, Guid? ParentId, JobType? Type = null)
{
    public string Icon => Kind == StudioNodeKind.Folder ? Icons.Material.Outlined.Folder : StudioUi.TypeIcon(Type ?? JobType.DatabaseSql);
}

public static class StudioUi
{
    public static string TypeIcon(JobType type) => type switch
    {
        JobType.DatabaseSql => Icons.Material.Outlined.Storage,
        JobType.FlinkSql => Icons.Material.Outlined.Waves,
        _ => Icons.Material.Outlined.Inventory2,
    };

    public static string TypeName(JobType type, IStringLocalizer s) => type switch
    {
        JobType.DatabaseSql => s["Database SQL"],
        JobType.FlinkSql => s["Flink SQL"],
        _ => s["Flink JAR"],
    };
}

public enum ConflictChoice
{
    Overwrite,
    Reload,
}

/// <summary>A job variable being edited (the key keeps rows stable while names change).</summary>
public sealed record VariableRow(Guid Key, string Name, string Value);
