using AllData.Domain.Operations;
using MudBlazor;

namespace AllData.Web.Components.Shared;

/// <summary>The one place run statuses get their colours and icons (chips, cards, the wall, charts).</summary>
public static class StatusColors
{
    public static Color For(RunStatus status) => status switch
    {
        RunStatus.Queued => Color.Default,
        RunStatus.Submitting => Color.Info,
        RunStatus.Running => Color.Primary,
        RunStatus.Canceling or RunStatus.Restarting => Color.Warning,
        RunStatus.Unknown => Color.Secondary,
        RunStatus.Finished => Color.Success,
        RunStatus.Failed => Color.Error,
        RunStatus.Canceled => Color.Dark,
        _ => Color.Default,
    };

    /// <summary>The same colours as CSS values, for the wall and charts (readable on a dark background).</summary>
    public static string Hex(RunStatus status) => status switch
    {
        RunStatus.Queued => "#9e9e9e",
        RunStatus.Submitting => "#29b6f6",
        RunStatus.Running => "#42a5f5",
        RunStatus.Canceling or RunStatus.Restarting => "#ffa726",
        RunStatus.Unknown => "#ab47bc",
        RunStatus.Finished => "#66bb6a",
        RunStatus.Failed => "#ef5350",
        RunStatus.Canceled => "#78909c",
        _ => "#9e9e9e",
    };

    public static string Icon(RunStatus status) => status switch
    {
        RunStatus.Queued => Icons.Material.Filled.HourglassEmpty,
        RunStatus.Submitting => Icons.Material.Filled.Upload,
        RunStatus.Running => Icons.Material.Filled.PlayArrow,
        RunStatus.Canceling => Icons.Material.Filled.StopCircle,
        RunStatus.Restarting => Icons.Material.Filled.Replay,
        RunStatus.Unknown => Icons.Material.Filled.HelpOutline,
        RunStatus.Finished => Icons.Material.Filled.CheckCircle,
        RunStatus.Failed => Icons.Material.Filled.Error,
        RunStatus.Canceled => Icons.Material.Filled.Cancel,
        _ => Icons.Material.Filled.Circle,
    };
}
