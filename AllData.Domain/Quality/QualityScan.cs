using AllData.Domain.Common;

namespace AllData.Domain.Quality;

/// <summary>One scan of one table: all its enabled rules measured together, kept as history.</summary>
public sealed class QualityScan : IWorkspaceOwned
{
    public const int MaxErrorLength = 2000;

    private QualityScan()
    {
        StartedBy = string.Empty;
    }

    public QualityScan(Guid workspaceId, Guid dataSourceId, Guid tableId, QualityScanTrigger trigger, string startedBy, DateTimeOffset at, Guid? batchId = null,
        Guid? afterRunId = null)
    {
        AfterRunId = afterRunId;
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        DataSourceId = dataSourceId;
        TableId = tableId;
        Trigger = trigger;
        StartedBy = startedBy;
        StartedAt = at;
        BatchId = batchId;
        Status = QualityScanStatus.Running;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid DataSourceId { get; private set; }

    public Guid TableId { get; private set; }

    /// <summary>Scans started together (all tables of a source) share a batch.</summary>
    public Guid? BatchId { get; private set; }

    /// <summary>The finished run (of a job that writes the table) this scan followed; null for manual and scheduled scans.</summary>
    public Guid? AfterRunId { get; private set; }

    public QualityScanTrigger Trigger { get; private set; }

    public QualityScanStatus Status { get; private set; }

    public string StartedBy { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public long? RowsScanned { get; private set; }

    /// <summary>Queries sent to the source: one aggregate, one per unique, referential and custom rule, plus samples.</summary>
    public int QueryCount { get; private set; }

    public int RuleCount { get; private set; }

    public int Passed { get; private set; }

    public int Warned { get; private set; }

    public int Failed { get; private set; }

    public int Errors { get; private set; }

    public double? Score { get; private set; }

    /// <summary>A failing blocking rule holds dependent jobs unless an Operator overrode this scan.</summary>
    public bool HasBlockingFailure { get; private set; }

    public string? Error { get; private set; }

    public string? OverriddenBy { get; private set; }

    public DateTimeOffset? OverriddenAt { get; private set; }

    public string? OverrideReason { get; private set; }

    public TimeSpan? Duration => FinishedAt - StartedAt;

    public void Finish(IReadOnlyCollection<QualityResult> results, IReadOnlyCollection<QualityRule> rules, long? rowsScanned, int queryCount, DateTimeOffset at)
    {
        EnsureRunning();
        Status = QualityScanStatus.Succeeded;
        FinishedAt = at;
        RowsScanned = rowsScanned;
        QueryCount = queryCount;
        RuleCount = results.Count;
        Passed = results.Count(r => r.Outcome == QualityOutcome.Passed);
        Warned = results.Count(r => r.Outcome == QualityOutcome.Warned);
        Failed = results.Count(r => r.Outcome == QualityOutcome.Failed);
        Errors = results.Count(r => r.Outcome == QualityOutcome.Error);
        Score = QualityScore.Of(results.Select(r => new ScoredRule(r.RuleId, r.RuleName, r.Weight, r.Severity, r.Outcome)));
        var blocking = rules.Where(r => r.IsBlocking).Select(r => r.Id).ToHashSet();
        HasBlockingFailure = results.Any(r => blocking.Contains(r.RuleId) && r.Outcome is QualityOutcome.Failed or QualityOutcome.Error);
    }

    public void Fail(string error, int queryCount, DateTimeOffset at)
    {
        EnsureRunning();
        Status = QualityScanStatus.Failed;
        FinishedAt = at;
        QueryCount = queryCount;
        Error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
    }

    /// <summary>An Operator lets dependent jobs run despite this scan's failing blocking rules.</summary>
    public void Override(string actor, string? reason, DateTimeOffset at)
    {
        if (!HasBlockingFailure)
        {
            throw new DomainException("This scan blocks nothing: there is nothing to override.");
        }

        if (OverriddenAt is not null)
        {
            throw new DomainException("This scan was already overridden.");
        }

        OverriddenBy = actor;
        OverriddenAt = at;
        OverrideReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(reason.Trim().Length, 500)];
    }

    private void EnsureRunning()
    {
        if (Status != QualityScanStatus.Running)
        {
            throw new DomainException("The scan has already finished.");
        }
    }
}

/// <summary>Failed-row samples of a rule: column names (primary key first) and rows as text, masked columns marked.</summary>
public sealed record QualitySamples(IReadOnlyList<string> Columns, IReadOnlyList<string> MaskedColumns, IReadOnlyList<IReadOnlyList<string?>> Rows)
{
    public const int MaxRows = 100;
    public const string Mask = "••••••";
}

/// <summary>One rule measured in one scan: metric, threshold, outcome and samples, kept as numbers for trends.</summary>
public sealed class QualityResult : IWorkspaceOwned
{
    private QualityResult()
    {
        RuleName = Threshold = string.Empty;
    }

    public QualityResult(QualityScan scan, QualityRule rule, double? metric, long? rows, double? baseline, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = scan.WorkspaceId;
        ScanId = scan.Id;
        RuleId = rule.Id;
        TableId = rule.TableId;
        DataSourceId = rule.DataSourceId;
        RuleName = rule.Name;
        Weight = rule.Weight;
        Severity = rule.Severity;
        At = at;
        Threshold = rule.Spec.Threshold.Describe();
        Metric = metric;
        Rows = rows;
        Baseline = baseline;
        if (metric is { } m)
        {
            var (outcome, verdict) = rule.Judge(m, rows, baseline);
            Outcome = outcome;
            Percent = verdict.Percent;
            Deviation = verdict.Deviation;
        }
        else if (rule.Spec.Type is QualityRuleType.Freshness or QualityRuleType.Min or QualityRuleType.Max or QualityRuleType.Avg)
        {
            // No value at all (an empty table): nothing is fresh, and an aggregate of nothing breaches any bound.
            Outcome = rule.Severity == QualitySeverity.Failure ? QualityOutcome.Failed : QualityOutcome.Warned;
        }
        else
        {
            Metric = 0;
            var (outcome, verdict) = rule.Judge(0, rows, baseline);
            Outcome = outcome;
            Percent = verdict.Percent;
            Deviation = verdict.Deviation;
        }
    }

    /// <summary>A rule whose query failed: no metric, the database's message.</summary>
    public static QualityResult Errored(QualityScan scan, QualityRule rule, string error, DateTimeOffset at)
    {
        var result = new QualityResult(scan, rule, 0, null, null, at)
        {
            Outcome = QualityOutcome.Error,
            Metric = null,
            Percent = null,
            Deviation = null,
            Error = error.Length > QualityScan.MaxErrorLength ? error[..QualityScan.MaxErrorLength] : error,
        };
        return result;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid ScanId { get; private set; }

    public Guid RuleId { get; private set; }

    public Guid TableId { get; private set; }

    public Guid DataSourceId { get; private set; }

    /// <summary>The rule's name, weight and severity when measured: history stays readable after edits.</summary>
    public string RuleName { get; private set; }

    public int Weight { get; private set; }

    public QualitySeverity Severity { get; private set; }

    public DateTimeOffset At { get; private set; }

    public double? Metric { get; private set; }

    /// <summary>Rows the rule considered (after its filter).</summary>
    public long? Rows { get; private set; }

    public double? Percent { get; private set; }

    /// <summary>The trailing average the metric was compared with (relative thresholds).</summary>
    public double? Baseline { get; private set; }

    public double? Deviation { get; private set; }

    public string Threshold { get; private set; }

    public QualityOutcome Outcome { get; private set; }

    public string? Error { get; private set; }

    public QualitySamples? Samples { get; private set; }

    public void AttachSamples(QualitySamples samples) =>
        Samples = samples.Rows.Count <= QualitySamples.MaxRows ? samples : samples with { Rows = [.. samples.Rows.Take(QualitySamples.MaxRows)] };
}
