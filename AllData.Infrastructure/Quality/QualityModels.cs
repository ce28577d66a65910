using AllData.Domain.Identity;
using AllData.Domain.Quality;
using AllData.Infrastructure.Identity;

namespace AllData.Infrastructure.Quality;

/// <summary>What the rule editor sends.</summary>
public sealed record QualityRuleInput
{
    public string Name { get; init; } = string.Empty;

    public required QualityRuleSpec Spec { get; init; }

    public QualitySeverity Severity { get; init; } = QualitySeverity.Failure;

    public int Weight { get; init; } = 1;

    public bool IsBlocking { get; init; }

    public string? Description { get; init; }
}

/// <summary>A rule with its latest result, for the table's Quality tab.</summary>
public sealed record QualityRuleRow(
    Guid Id,
    string Name,
    QualityRuleSpec Spec,
    QualitySeverity Severity,
    int Weight,
    bool IsBlocking,
    bool IsEnabled,
    string? Description,
    QualityResultRow? Last);

public sealed record QualityResultRow(
    Guid Id,
    Guid ScanId,
    Guid RuleId,
    string RuleName,
    QualitySeverity Severity,
    int Weight,
    DateTimeOffset At,
    double? Metric,
    long? Rows,
    double? Percent,
    double? Baseline,
    double? Deviation,
    string Threshold,
    QualityOutcome Outcome,
    string? Error,
    QualitySamples? Samples);

public sealed record QualityScanRow(
    Guid Id,
    Guid TableId,
    string Source,
    string Schema,
    string Table,
    QualityScanTrigger Trigger,
    QualityScanStatus Status,
    string StartedBy,
    DateTimeOffset StartedAt,
    TimeSpan? Duration,
    long? RowsScanned,
    int QueryCount,
    int RuleCount,
    int Passed,
    int Warned,
    int Failed,
    int Errors,
    double? Score,
    bool HasBlockingFailure,
    string? OverriddenBy,
    string? Error);

public sealed record QualityScanDetails(QualityScanRow Scan, IReadOnlyList<QualityResultRow> Results);

/// <summary>Whether a table holds the jobs that depend on it, and why.</summary>
public sealed record QualityGateState(Guid TableId, bool IsBlocked, Guid? ScanId, IReadOnlyList<string> FailingRules,
    string? OverriddenBy, DateTimeOffset? OverriddenAt, string? OverrideReason)
{
    public static QualityGateState Open(Guid tableId) => new(tableId, false, null, [], null, null, null);
}

/// <summary>The Quality tab's summary of a table.</summary>
public sealed record TableQuality(double? Score, IReadOnlyList<RuleCost> Costs, QualityGateState Gate, QualityScanRow? LastScan,
    IReadOnlyList<QualityRuleRow> Rules);

public sealed record MetricPoint(DateTimeOffset At, double? Metric, QualityOutcome Outcome);

public sealed record ScorePoint(DateTimeOffset At, double Score);

public sealed record SourceScore(Guid SourceId, string Source, double? Score, int Tables, int Rules, int Failing);

public sealed record TableScore(Guid TableId, Guid SourceId, string Source, string Schema, string Table, double? Score, int Rules,
    int Failing, bool IsBlocked, DateTimeOffset? LastScanAt);

public sealed record FailingRule(Guid RuleId, Guid TableId, string Schema, string Table, string Rule, QualityOutcome Outcome,
    double? Metric, string Threshold, DateTimeOffset At, bool IsBlocking);

public sealed record QualityOverview(double? Score, IReadOnlyList<SourceScore> Sources, IReadOnlyList<TableScore> Tables,
    IReadOnlyList<FailingRule> Failing, IReadOnlyList<ScorePoint> Trend, IReadOnlyList<QualityScanRow> RecentScans);

/// <summary>A suggested rule from the column profile, for the user to accept.</summary>
public sealed record QualityRuleSuggestion(string Reason, QualityRuleInput Rule);

/// <summary>Progress of a scan of several tables: which table, and how far.</summary>
public sealed record QualityScanProgress(int Done, int Total, Guid? TableId, string? Table, QualityScanRow? Finished);

/// <summary>"Test now": one rule measured without keeping anything.</summary>
public sealed record QualityRuleTest(double? Metric, long? Rows, double? Percent, QualityOutcome Outcome, string Threshold,
    QualitySamples? Samples, string Sql);
