using AllData.Domain.Common;
using AllData.Domain.Quality;

namespace AllData.Tests.Domain.Quality;

public sealed class QualityRuleTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static QualityRule Rule(QualityRuleSpec spec, QualitySeverity severity = QualitySeverity.Failure, int weight = 1) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "r", spec, severity, weight, false, null, "dev", At);

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Absolute_threshold_bounds_the_metric(double metric, bool passes) =>
        Assert.Equal(passes, QualityThreshold.AtMost(0).Judge(metric, 100, null).Passed);

    [Fact]
    public void Percentage_threshold_compares_the_share_of_rows()
    {
        var verdict = QualityThreshold.PercentAtMost(1).Judge(3, 200, null);
        Assert.False(verdict.Passed);
        Assert.Equal(1.5, verdict.Percent);
        Assert.True(QualityThreshold.PercentAtMost(2).Judge(3, 200, null).Passed);
    }

    [Fact]
    public void Relative_threshold_allows_the_given_deviation_from_the_trailing_average()
    {
        var threshold = QualityThreshold.DeviationAtMost(20, 7);
        Assert.True(threshold.Judge(110, null, 100).Passed);
        var breach = threshold.Judge(130, null, 100);
        Assert.False(breach.Passed);
        Assert.Equal(30, breach.Deviation!.Value, 6);
    }

    [Fact]
    public void Relative_threshold_without_history_passes_and_starts_the_baseline() =>
        Assert.True(QualityThreshold.DeviationAtMost(5, 30).Judge(1_000_000, null, null).Passed);

    [Theory]
    [InlineData(ThresholdKind.Absolute, null, null, 7, "minimum, a maximum")]
    [InlineData(ThresholdKind.Absolute, 5.0, 1.0, 7, "greater than")]
    [InlineData(ThresholdKind.Percentage, null, 150.0, 7, "between 0 and 100")]
    [InlineData(ThresholdKind.RelativeToHistory, null, 10.0, 14, "7 or 30")]
    [InlineData(ThresholdKind.RelativeToHistory, null, null, 7, "positive percentage")]
    public void Bad_thresholds_are_refused_with_the_reason(ThresholdKind kind, double? min, double? max, int days, string message)
    {
        var e = Assert.Throws<DomainException>(() => new QualityThreshold(kind, min, max, days).Validated(QualityRuleType.NotNull));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Percentage_threshold_is_refused_for_an_aggregate_rule() =>
        Assert.Throws<DomainException>(() => Rule(new QualityRuleSpec
        {
            Type = QualityRuleType.Avg, Columns = ["price"], Threshold = QualityThreshold.PercentAtMost(5),
        }));

    [Fact]
    public void A_breach_of_a_warning_rule_warns_and_of_a_failure_rule_fails()
    {
        var spec = new QualityRuleSpec { Type = QualityRuleType.NotNull, Columns = ["email"], Threshold = QualityThreshold.AtMost(0) };
        Assert.Equal(QualityOutcome.Warned, Rule(spec, QualitySeverity.Warning).Judge(3, 10, null).Outcome);
        Assert.Equal(QualityOutcome.Failed, Rule(spec).Judge(3, 10, null).Outcome);
        Assert.Equal(QualityOutcome.Passed, Rule(spec).Judge(0, 10, null).Outcome);
    }

    [Theory]
    [InlineData(QualityRuleType.NotNull, "Choose the column")]
    [InlineData(QualityRuleType.InSet, "List the allowed values")]
    [InlineData(QualityRuleType.Regex, "regular expression")]
    [InlineData(QualityRuleType.ValueBetween, "lower bound")]
    [InlineData(QualityRuleType.Referential, "table and column")]
    [InlineData(QualityRuleType.CustomSql, "query that returns")]
    public void Each_type_asks_for_what_it_needs(QualityRuleType type, string message)
    {
        var columns = type is QualityRuleType.NotNull or QualityRuleType.CustomSql ? Array.Empty<string>() : ["c"];
        var e = Assert.Throws<DomainException>(() => new QualityRuleSpec { Type = type, Columns = columns, Threshold = QualityThreshold.AtMost(0) }.Validated());
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1=1; DROP TABLE x", "remove the ';'")]
    [InlineData("status = 'a') OR (1=1", "closes a parenthesis")]
    [InlineData("(status = 'a'", "leaves a parenthesis open")]
    [InlineData("status = 'a' -- hidden", "comment")]
    [InlineData("status = 'unterminated", "not complete")]
    public void Filters_that_could_escape_their_parentheses_are_refused(string filter, string message)
    {
        var e = Assert.Throws<DomainException>(() => SqlFragment.ValidateFilter(filter));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_filter_keeps_semicolons_inside_strings_and_drops_a_leading_where() =>
        Assert.Equal("note <> 'a;b' AND (x > 1)", SqlFragment.ValidateFilter("  WHERE note <> 'a;b' AND (x > 1) "));

    [Fact]
    public void A_custom_query_is_one_select() =>
        Assert.Throws<DomainException>(() => SqlFragment.ValidateQuery("DELETE FROM t"));

    [Fact]
    public void Weight_outside_one_to_ten_is_refused() =>
        Assert.Throws<DomainException>(() => Rule(new QualityRuleSpec { Type = QualityRuleType.RowCount, Threshold = QualityThreshold.Between(1, null) }, weight: 11));
}

public sealed class QualityScoreTests
{
    private static ScoredRule R(string name, int weight, QualitySeverity severity, QualityOutcome outcome) =>
        new(Guid.NewGuid(), name, weight, severity, outcome);

    [Fact]
    public void Score_is_the_weighted_share_of_passing_rules_with_failures_counting_double()
    {
        // points: a 1×2 = 2 (passed), b 3×2 = 6 (failed), c 2×1 = 2 (warned) → 2 / 10
        var score = QualityScore.Of([R("a", 1, QualitySeverity.Failure, QualityOutcome.Passed), R("b", 3, QualitySeverity.Failure, QualityOutcome.Failed),
            R("c", 2, QualitySeverity.Warning, QualityOutcome.Warned)]);
        Assert.Equal(20, score);
    }

    [Fact]
    public void No_measured_rule_has_no_score() => Assert.Null(QualityScore.Of([]));

    [Fact]
    public void Costs_list_the_most_expensive_rule_first()
    {
        var costs = QualityScore.Costs([R("a", 1, QualitySeverity.Failure, QualityOutcome.Passed), R("small", 2, QualitySeverity.Warning, QualityOutcome.Warned),
            R("big", 3, QualitySeverity.Failure, QualityOutcome.Error)]);
        Assert.Equal(["big", "small"], costs.Select(c => c.Name));
        Assert.Equal(60, costs[0].Points);
        Assert.Equal(20, costs[1].Points);
    }
}
