namespace AllData.Domain.Quality;

/// <summary>One rule's latest outcome, as the score sees it.</summary>
public sealed record ScoredRule(Guid RuleId, string Name, int Weight, QualitySeverity Severity, QualityOutcome Outcome);

/// <summary>What a non-passing rule costs: <see cref="Points"/> out of the 100 the table could have.</summary>
public sealed record RuleCost(Guid RuleId, string Name, QualityOutcome Outcome, double Points);

/// <summary>
/// The score: 0–100, the weighted share of passing rules, each rule weighing weight × severity factor (warning 1,
/// failure 2). A rule that could not be measured costs like a failing one. No measured rule, no score.
/// </summary>
public static class QualityScore
{
    public static double PointsOf(int weight, QualitySeverity severity) => weight * (severity == QualitySeverity.Failure ? 2.0 : 1.0);

    public static double? Of(IEnumerable<ScoredRule> rules)
    {
        double total = 0, passed = 0;
        foreach (var r in rules)
        {
            var points = PointsOf(r.Weight, r.Severity);
            total += points;
            passed += r.Outcome == QualityOutcome.Passed ? points : 0;
        }

        return total == 0 ? null : Math.Round(100.0 * passed / total, 1);
    }

    /// <summary>The non-passing rules, most expensive first, with the points each costs.</summary>
    public static IReadOnlyList<RuleCost> Costs(IEnumerable<ScoredRule> rules)
    {
        var list = rules.ToList();
        var total = list.Sum(r => PointsOf(r.Weight, r.Severity));
        return total == 0
            ? []
            : [.. list.Where(r => r.Outcome != QualityOutcome.Passed)
                .Select(r => new RuleCost(r.RuleId, r.Name, r.Outcome, Math.Round(100.0 * PointsOf(r.Weight, r.Severity) / total, 1)))
                .OrderByDescending(c => c.Points).ThenBy(c => c.Name, StringComparer.Ordinal)];
    }
}
