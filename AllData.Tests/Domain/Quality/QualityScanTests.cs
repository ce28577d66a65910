using AllData.Domain.Common;
using AllData.Domain.Quality;

namespace AllData.Tests.Domain.Quality;

public sealed class QualityScanTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_failing_blocking_rule_blocks_until_an_operator_overrides()
    {
        var ws = Guid.NewGuid();
        var rule = new QualityRule(ws, Guid.NewGuid(), Guid.NewGuid(), "unique", new QualityRuleSpec
        {
            Type = QualityRuleType.Unique, Columns = ["email"], Threshold = QualityThreshold.AtMost(0),
        }, QualitySeverity.Failure, 3, true, null, "dev", At);
        var scan = new QualityScan(ws, rule.DataSourceId, rule.TableId, QualityScanTrigger.Manual, "op", At);
        var result = new QualityResult(scan, rule, 5, 100, null, At);
        scan.Finish([result], [rule], 100, 2, At.AddSeconds(1));

        Assert.Equal(QualityOutcome.Failed, result.Outcome);
        Assert.True(scan.HasBlockingFailure);
        Assert.Equal(0, scan.Score);
        scan.Override("op", "known issue", At.AddMinutes(1));
        Assert.Equal("op", scan.OverriddenBy);
        Assert.Throws<DomainException>(() => scan.Override("op", null, At.AddMinutes(2)));
    }

    [Fact]
    public void Samples_are_capped_at_100_rows()
    {
        var ws = Guid.NewGuid();
        var rule = new QualityRule(ws, Guid.NewGuid(), Guid.NewGuid(), "nn", new QualityRuleSpec
        {
            Type = QualityRuleType.NotNull, Columns = ["email"], Threshold = QualityThreshold.AtMost(0),
        }, QualitySeverity.Failure, 1, false, null, "dev", At);
        var scan = new QualityScan(ws, rule.DataSourceId, rule.TableId, QualityScanTrigger.Manual, "op", At);
        var result = new QualityResult(scan, rule, 500, 1000, null, At);
        result.AttachSamples(new QualitySamples(["id"], [], [.. Enumerable.Range(0, 150).Select(i => (IReadOnlyList<string?>)[i.ToString(System.Globalization.CultureInfo.InvariantCulture)])]));
        Assert.Equal(100, result.Samples!.Rows.Count);
    }
}
