using System.Globalization;
using AllData.Domain.Quality;
using MudBlazor;

namespace AllData.Web.Features.Quality;

/// <summary>Colours, icons and number formats of the quality screens, in one place.</summary>
public static class QualityUi
{
    public static Color Color(QualityOutcome outcome) => outcome switch
    {
        QualityOutcome.Passed => MudBlazor.Color.Success,
        QualityOutcome.Warned => MudBlazor.Color.Warning,
        QualityOutcome.Failed => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Secondary,
    };

    public static string Icon(QualityOutcome outcome) => outcome switch
    {
        QualityOutcome.Passed => Icons.Material.Filled.CheckCircle,
        QualityOutcome.Warned => Icons.Material.Filled.Warning,
        QualityOutcome.Failed => Icons.Material.Filled.Error,
        _ => Icons.Material.Filled.HelpOutline,
    };

    public static Color ScoreColor(double? score) => score switch
    {
        null => MudBlazor.Color.Default,
        >= 90 => MudBlazor.Color.Success,
        >= 70 => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Error,
    };

    public static string Score(double? score) => score?.ToString("0.#", CultureInfo.CurrentCulture) ?? "—";

    public static string Number(double? value) => value switch
    {
        null => "—",
        { } v when Math.Abs(v - Math.Round(v)) < 1e-9 => v.ToString("N0", CultureInfo.CurrentCulture),
        { } v => v.ToString("N2", CultureInfo.CurrentCulture),
    };
}
