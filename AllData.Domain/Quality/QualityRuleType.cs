namespace AllData.Domain.Quality;

/// <summary>What a rule measures. The metric of each type is documented on its member.</summary>
public enum QualityRuleType
{
    /// <summary>Metric: rows of the table (after the rule's filter).</summary>
    RowCount = 1,

    /// <summary>Metric: hours since the newest value of a timestamp or date column.</summary>
    Freshness = 2,

    /// <summary>Metric: rows where the column is null (percentage thresholds compare the share of rows).</summary>
    NotNull = 3,

    /// <summary>Metric: surplus rows whose column values occur more than once (one extra query per rule).</summary>
    Unique = 4,

    /// <summary>Metric: non-null rows whose value is outside [lower, upper].</summary>
    ValueBetween = 5,

    /// <summary>Metric: non-null rows whose value (as text) is not one of the allowed values.</summary>
    InSet = 6,

    /// <summary>Metric: non-null rows whose value (as text) does not match the regular expression.</summary>
    Regex = 7,

    /// <summary>Metric: non-null rows whose text length is outside [lower, upper].</summary>
    LengthBetween = 8,

    /// <summary>Metric: the smallest value of a numeric column.</summary>
    Min = 9,

    /// <summary>Metric: the largest value of a numeric column.</summary>
    Max = 10,

    /// <summary>Metric: the average of a numeric column.</summary>
    Avg = 11,

    /// <summary>Metric: the sum of a numeric column.</summary>
    Sum = 12,

    /// <summary>Metric: non-null rows whose value does not exist in another table's column (one extra query).</summary>
    Referential = 13,

    /// <summary>Metric: the number a custom read-only query returns (one extra query).</summary>
    CustomSql = 14,
}

public enum QualitySeverity
{
    /// <summary>A breach is reported as a warning and costs the rule's weight once.</summary>
    Warning = 1,

    /// <summary>A breach fails the rule and costs twice the rule's weight.</summary>
    Failure = 2,
}

/// <summary>How a rule's metric is judged.</summary>
public enum ThresholdKind
{
    /// <summary>The metric must lie within [Min, Max] (either may be open).</summary>
    Absolute = 1,

    /// <summary>The metric as a percentage of the rows considered must lie within [Min, Max].</summary>
    Percentage = 2,

    /// <summary>The metric may deviate at most Max percent from its trailing average over HistoryDays.</summary>
    RelativeToHistory = 3,
}

public enum QualityOutcome
{
    Passed = 1,
    Warned = 2,
    Failed = 3,

    /// <summary>The rule could not be measured (its query failed); costs points like a failure.</summary>
    Error = 4,
}

public enum QualityScanStatus
{
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

public enum QualityScanTrigger
{
    Manual = 1,
    Schedule = 2,
    AfterRun = 3,
}

public static class QualityRuleTypes
{
    /// <summary>Types whose metric counts offending rows: they have failed-row samples and percentage thresholds.</summary>
    public static bool CountsRows(this QualityRuleType type) => type is QualityRuleType.NotNull or QualityRuleType.Unique
        or QualityRuleType.ValueBetween or QualityRuleType.InSet or QualityRuleType.Regex or QualityRuleType.LengthBetween
        or QualityRuleType.Referential;

    /// <summary>Types measured inside the one aggregate scan of the table.</summary>
    public static bool IsAggregate(this QualityRuleType type) => type is not (QualityRuleType.Unique or QualityRuleType.Referential
        or QualityRuleType.CustomSql);

    public static bool NeedsColumn(this QualityRuleType type) => type is not (QualityRuleType.RowCount or QualityRuleType.CustomSql);

    public static bool NeedsBounds(this QualityRuleType type) => type is QualityRuleType.ValueBetween or QualityRuleType.LengthBetween;

    public static bool IsNumericAggregate(this QualityRuleType type) => type is QualityRuleType.Min or QualityRuleType.Max
        or QualityRuleType.Avg or QualityRuleType.Sum;
}
