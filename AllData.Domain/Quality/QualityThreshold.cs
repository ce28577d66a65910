using System.Globalization;
using AllData.Domain.Common;

namespace AllData.Domain.Quality;

/// <summary>
/// When a metric passes. Absolute and percentage thresholds bound the metric (or its share of rows) by
/// <see cref="Min"/> and <see cref="Max"/>; a relative threshold allows at most <see cref="Max"/> percent deviation
/// from the trailing <see cref="HistoryDays"/>-day average of the same rule's metric.
/// </summary>
public sealed record QualityThreshold(ThresholdKind Kind, double? Min, double? Max, int HistoryDays = 7)
{
    public static readonly IReadOnlyList<int> HistoryWindows = [7, 30];

    public static QualityThreshold AtMost(double max) => new(ThresholdKind.Absolute, null, max);

    public static QualityThreshold Between(double? min, double? max) => new(ThresholdKind.Absolute, min, max);

    public static QualityThreshold PercentAtMost(double max) => new(ThresholdKind.Percentage, null, max);

    public static QualityThreshold DeviationAtMost(double percent, int days) => new(ThresholdKind.RelativeToHistory, null, percent, days);

    /// <summary>Throws a <see cref="DomainException"/> naming what is wrong.</summary>
    public QualityThreshold Validated(QualityRuleType type)
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new DomainException("Choose how the metric is judged.");
        }

        if (Min is { } min && Max is { } max && min > max)
        {
            throw new DomainException("The threshold's minimum is greater than its maximum.");
        }

        if (Min is double.NaN || Max is double.NaN || Min is { } a && double.IsInfinity(a) || Max is { } b && double.IsInfinity(b))
        {
            throw new DomainException("Threshold bounds must be finite numbers.");
        }

        switch (Kind)
        {
            case ThresholdKind.Absolute or ThresholdKind.Percentage when Min is null && Max is null:
                throw new DomainException("Give the threshold a minimum, a maximum or both.");
            case ThresholdKind.Percentage when !type.CountsRows() && type != QualityRuleType.RowCount:
                throw new DomainException("Percentage thresholds apply to rules that count rows.");
            case ThresholdKind.Percentage when Min is < 0 || Max is > 100 || Min is > 100 || Max is < 0:
                throw new DomainException("Percentages lie between 0 and 100.");
            case ThresholdKind.RelativeToHistory when Max is not > 0:
                throw new DomainException("Give the allowed deviation from the average as a positive percentage.");
            case ThresholdKind.RelativeToHistory when !HistoryWindows.Contains(HistoryDays):
                throw new DomainException("Compare with the trailing 7 or 30 days.");
        }

        return Kind == ThresholdKind.RelativeToHistory ? this with { Min = null } : this;
    }

    /// <summary>Judges a measured metric.</summary>
    /// <param name="metric">The rule's metric.</param>
    /// <param name="rows">Rows the rule considered (for percentage thresholds).</param>
    /// <param name="baseline">The trailing average of the metric (for relative thresholds); null when there is no history.</param>
    public ThresholdVerdict Judge(double metric, long? rows, double? baseline)
    {
        switch (Kind)
        {
            case ThresholdKind.Percentage:
                var share = rows is > 0 ? 100.0 * metric / rows.Value : 0;
                return new ThresholdVerdict(Within(share), share, null);
            case ThresholdKind.RelativeToHistory:
                if (baseline is not { } avg)
                {
                    // No history yet: nothing to deviate from. The first results become the baseline.
                    return new ThresholdVerdict(true, null, null);
                }

                var deviation = avg == 0 ? (metric == 0 ? 0 : 100) : 100.0 * Math.Abs(metric - avg) / Math.Abs(avg);
                return new ThresholdVerdict(deviation <= Max!.Value + 1e-9, null, deviation);
            default:
                return new ThresholdVerdict(Within(metric), null, null);
        }
    }

    private bool Within(double value) => (Min is not { } min || value >= min - 1e-9) && (Max is not { } max || value <= max + 1e-9);

    /// <summary>The threshold in words, e.g. "≤ 0", "≤ 1 %", "± 20 % of the 7-day average".</summary>
    public string Describe() => Kind switch
    {
        ThresholdKind.RelativeToHistory => $"± {Format(Max)} % of the {HistoryDays}-day average",
        _ => (Min, Max) switch
        {
            ({ } min, { } max) when min == max => $"= {Format(min)}{Unit}",
            ({ } min, { } max) => $"{Format(min)}{Unit} … {Format(max)}{Unit}",
            ({ } min, null) => $"≥ {Format(min)}{Unit}",
            (null, { } max) => $"≤ {Format(max)}{Unit}",
            _ => "—",
        },
    };

    private string Unit => Kind == ThresholdKind.Percentage ? " %" : string.Empty;

    private static string Format(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "—";
}

/// <param name="Passed">The metric is within the threshold.</param>
/// <param name="Percent">For percentage thresholds: the share of rows the metric is.</param>
/// <param name="Deviation">For relative thresholds with history: the deviation from the baseline in percent.</param>
public sealed record ThresholdVerdict(bool Passed, double? Percent, double? Deviation);
