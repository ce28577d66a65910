using AllData.Domain.Quality;
using AllData.Infrastructure.Catalog;

namespace AllData.Infrastructure.Quality;

/// <summary>Turns a table's catalog entry and column profile into rules worth having. Pure: tested without a database.</summary>
internal static class QualitySuggestions
{
    private static readonly HashSet<string> Numeric = ["smallint", "integer", "bigint", "real", "double precision", "numeric", "money"];
    private static readonly HashSet<string> Timestamps = ["timestamp with time zone", "timestamp without time zone", "date"];

    public static IReadOnlyList<QualityRuleSuggestion> From(TableDetails table, IReadOnlyList<ColumnProfile> profile, IReadOnlyList<QualityRule> existing)
    {
        var result = new List<QualityRuleSuggestion>();
        var rows = profile.Count > 0 ? profile[0].Rows : 0;
        if (!existing.Any(r => r.Spec.Type == QualityRuleType.RowCount))
        {
            result.Add(Suggest("The table should not be empty.", "Has rows", QualityRuleType.RowCount, null, QualityThreshold.Between(1, null)));
        }

        foreach (var p in profile)
        {
            var column = table.Columns.FirstOrDefault(c => c.Name == p.Column);
            if (column is null)
            {
                continue;
            }

            var type = BaseType(p.DataType);
            if (p.Nulls == 0 && rows > 0 && !Has(existing, QualityRuleType.NotNull, p.Column))
            {
                result.Add(Suggest(column.IsNullable ? "No nulls observed in a nullable column." : "Declared NOT NULL.",
                    $"{p.Column} is present", QualityRuleType.NotNull, p.Column, QualityThreshold.AtMost(0)));
            }
            else if (p.Nulls > 0 && !Has(existing, QualityRuleType.NotNull, p.Column))
            {
                var share = Math.Ceiling(p.NullPercent * 2);
                result.Add(Suggest($"{p.NullPercent:0.##} % nulls observed: keep them below twice that.", $"{p.Column} mostly present",
                    QualityRuleType.NotNull, p.Column, QualityThreshold.PercentAtMost(Math.Min(100, Math.Max(1, share))), severity: QualitySeverity.Warning));
            }

            var keyLike = column.IsPrimaryKey || column.IsUnique || (p.Distinct is { } d && d == rows - p.Nulls && rows > 1 && p.Column.EndsWith("id", StringComparison.OrdinalIgnoreCase));
            if (keyLike && !Has(existing, QualityRuleType.Unique, p.Column) && !(column.IsPrimaryKey && table.PrimaryKey?.Columns.Count > 1))
            {
                result.Add(Suggest(column.IsPrimaryKey || column.IsUnique ? "A declared key." : "Every value observed once.",
                    $"{p.Column} is unique", QualityRuleType.Unique, p.Column, QualityThreshold.AtMost(0)));
            }

            if (Numeric.Contains(type) && double.TryParse(p.Min, System.Globalization.CultureInfo.InvariantCulture, out var min)
                && double.TryParse(p.Max, System.Globalization.CultureInfo.InvariantCulture, out var max) && !column.IsPrimaryKey
                && !p.Column.EndsWith("id", StringComparison.OrdinalIgnoreCase) && !Has(existing, QualityRuleType.ValueBetween, p.Column))
            {
                var lower = min >= 0 ? 0m : (decimal)Math.Floor(min);
                result.Add(new QualityRuleSuggestion($"Observed between {p.Min} and {p.Max}.", new QualityRuleInput
                {
                    Name = $"{p.Column} in range",
                    Severity = QualitySeverity.Warning,
                    Spec = new QualityRuleSpec
                    {
                        Type = QualityRuleType.ValueBetween, Columns = [p.Column], Lower = lower, Upper = (decimal)Math.Ceiling(max),
                        Threshold = QualityThreshold.AtMost(0),
                    },
                }));
            }

            if (Timestamps.Contains(type) && !Has(existing, QualityRuleType.Freshness, p.Column)
                && (p.Column.EndsWith("_at", StringComparison.OrdinalIgnoreCase) || p.Column.Contains("time", StringComparison.OrdinalIgnoreCase)))
            {
                result.Add(Suggest("A timestamp: new rows should keep arriving.", $"{p.Column} is fresh", QualityRuleType.Freshness, p.Column,
                    QualityThreshold.AtMost(24), severity: QualitySeverity.Warning));
            }
        }

        return result;
    }

    private static bool Has(IReadOnlyList<QualityRule> existing, QualityRuleType type, string column) =>
        existing.Any(r => r.Spec.Type == type && r.Spec.Column == column);

    private static QualityRuleSuggestion Suggest(string reason, string name, QualityRuleType type, string? column, QualityThreshold threshold,
        QualitySeverity severity = QualitySeverity.Failure) =>
        new(reason, new QualityRuleInput
        {
            Name = name,
            Severity = severity,
            Spec = new QualityRuleSpec { Type = type, Columns = column is null ? [] : [column], Threshold = threshold },
        });

    private static string BaseType(string dataType)
    {
        var t = dataType.ToLowerInvariant();
        var paren = t.IndexOf('(', StringComparison.Ordinal);
        return paren < 0 ? t : t[..paren].Trim();
    }
}
