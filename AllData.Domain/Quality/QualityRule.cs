using AllData.Domain.Common;

namespace AllData.Domain.Quality;

/// <summary>
/// What a rule checks, apart from its name and bookkeeping: the type, the column(s), the type's parameters, the
/// filter and the threshold. Validated as a whole by <see cref="Validated"/>.
/// </summary>
public sealed record QualityRuleSpec
{
    public const int MaxValues = 200;
    public const int MaxTextLength = 4000;

    public required QualityRuleType Type { get; init; }

    /// <summary>The checked column; unique rules may name several (a composite key).</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>ValueBetween: value bounds; LengthBetween: length bounds.</summary>
    public decimal? Lower { get; init; }

    public decimal? Upper { get; init; }

    /// <summary>InSet: the allowed values, compared as text.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Regex: a regular expression of the source (PostgreSQL <c>~</c>, MySQL/MariaDB <c>REGEXP</c>).</summary>
    public string? Pattern { get; init; }

    /// <summary>Referential: the catalog table and column the values must exist in.</summary>
    public Guid? ReferenceTableId { get; init; }

    public string? ReferenceColumn { get; init; }

    /// <summary>CustomSql: one read-only query whose first column of the first row is the metric.</summary>
    public string? CustomSql { get; init; }

    /// <summary>An optional WHERE fragment restricting the rows the rule looks at.</summary>
    public string? Filter { get; init; }

    public required QualityThreshold Threshold { get; init; }

    public string? Column => Columns.Count > 0 ? Columns[0] : null;

    /// <summary>The spec cleaned up (trimmed, empty to null); throws a <see cref="DomainException"/> with the reason.</summary>
    public QualityRuleSpec Validated()
    {
        if (!Enum.IsDefined(Type))
        {
            throw new DomainException("Choose a rule type.");
        }

        var columns = Columns.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (Type.NeedsColumn() && columns.Count == 0)
        {
            throw new DomainException("Choose the column this rule checks.");
        }

        if (Type != QualityRuleType.Unique && columns.Count > 1)
        {
            throw new DomainException("Only a uniqueness rule checks several columns together.");
        }

        if (!Type.NeedsColumn())
        {
            columns = [];
        }

        if (Type.NeedsBounds() && Lower is null && Upper is null)
        {
            throw new DomainException("Give a lower bound, an upper bound or both.");
        }

        if (Lower is { } lo && Upper is { } hi && lo > hi)
        {
            throw new DomainException("The lower bound is greater than the upper bound.");
        }

        if (Type == QualityRuleType.LengthBetween && (Lower is < 0 || Upper is < 0 || Lower % 1 != 0 || Upper % 1 != 0))
        {
            throw new DomainException("Lengths are whole numbers of at least 0.");
        }

        var values = Values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (Type == QualityRuleType.InSet && values.Count == 0)
        {
            throw new DomainException("List the allowed values.");
        }

        if (values.Count > MaxValues)
        {
            throw new DomainException($"At most {MaxValues} allowed values.");
        }

        var pattern = Blank(Pattern);
        if (Type == QualityRuleType.Regex && pattern is null)
        {
            throw new DomainException("Give the regular expression values must match.");
        }

        var referenceColumn = Blank(ReferenceColumn);
        if (Type == QualityRuleType.Referential && (ReferenceTableId is null || referenceColumn is null))
        {
            throw new DomainException("Choose the table and column the values must exist in.");
        }

        var custom = Blank(CustomSql);
        if (Type == QualityRuleType.CustomSql)
        {
            custom = SqlFragment.ValidateQuery(custom);
        }

        return this with
        {
            Columns = columns,
            Lower = Type.NeedsBounds() ? Lower : null,
            Upper = Type.NeedsBounds() ? Upper : null,
            Values = Type == QualityRuleType.InSet ? values : [],
            Pattern = Type == QualityRuleType.Regex ? pattern : null,
            ReferenceTableId = Type == QualityRuleType.Referential ? ReferenceTableId : null,
            ReferenceColumn = Type == QualityRuleType.Referential ? referenceColumn : null,
            CustomSql = Type == QualityRuleType.CustomSql ? custom : null,
            Filter = Type == QualityRuleType.CustomSql ? null : SqlFragment.ValidateFilter(Filter),
            Threshold = Threshold.Validated(Type),
        };
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>A data-quality rule on a catalog table, defined by a Developer; scans measure it.</summary>
public sealed class QualityRule : IWorkspaceOwned
{
    public const int MaxNameLength = 120;
    public const int MaxDescriptionLength = 2000;
    public const int MaxWeight = 10;

    private QualityRule()
    {
        Name = string.Empty;
        CreatedBy = string.Empty;
        Spec = null!;
    }

    public QualityRule(Guid workspaceId, Guid dataSourceId, Guid tableId, string name, QualityRuleSpec spec, QualitySeverity severity,
        int weight, bool isBlocking, string? description, string actor, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        DataSourceId = dataSourceId;
        TableId = tableId;
        CreatedBy = actor;
        CreatedAt = at;
        IsEnabled = true;
        Name = string.Empty;
        Spec = null!;
        Change(name, spec, severity, weight, isBlocking, description, at);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid DataSourceId { get; private set; }

    public Guid TableId { get; private set; }

    public string Name { get; private set; }

    public QualityRuleSpec Spec { get; private set; }

    public QualitySeverity Severity { get; private set; }

    /// <summary>1–10: how much the rule counts in the table's score.</summary>
    public int Weight { get; private set; }

    /// <summary>A failing blocking rule holds the scheduled jobs that depend on the table.</summary>
    public bool IsBlocking { get; private set; }

    public bool IsEnabled { get; private set; }

    public string? Description { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Points the rule is worth in the score: weight × severity factor.</summary>
    public double Points => QualityScore.PointsOf(Weight, Severity);

    public void Change(string name, QualityRuleSpec spec, QualitySeverity severity, int weight, bool isBlocking, string? description, DateTimeOffset at)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new DomainException("Give the rule a name.");
        }

        if (trimmed.Length > MaxNameLength)
        {
            throw new DomainException($"A rule name has at most {MaxNameLength} characters.");
        }

        if (!Enum.IsDefined(severity))
        {
            throw new DomainException("Choose a severity.");
        }

        if (weight is < 1 or > MaxWeight)
        {
            throw new DomainException($"The weight is a whole number from 1 to {MaxWeight}.");
        }

        var text = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (text?.Length > MaxDescriptionLength)
        {
            throw new DomainException($"A description has at most {MaxDescriptionLength} characters.");
        }

        Name = trimmed;
        Spec = spec.Validated();
        Severity = severity;
        Weight = weight;
        IsBlocking = isBlocking;
        Description = text;
        UpdatedAt = at;
    }

    public void SetEnabled(bool enabled, DateTimeOffset at)
    {
        IsEnabled = enabled;
        UpdatedAt = at;
    }

    /// <summary>The outcome of a measured metric under this rule's threshold and severity.</summary>
    public (QualityOutcome Outcome, ThresholdVerdict Verdict) Judge(double metric, long? rows, double? baseline)
    {
        var verdict = Spec.Threshold.Judge(metric, rows, baseline);
        var outcome = verdict.Passed ? QualityOutcome.Passed : Severity == QualitySeverity.Failure ? QualityOutcome.Failed : QualityOutcome.Warned;
        return (outcome, verdict);
    }
}
