using System.Text.RegularExpressions;
using AllData.Domain.Common;
using AllData.Domain.Quality;

namespace AllData.Infrastructure.Quality;

/// <summary>A table as the compiler needs it: its name, columns in order and primary key.</summary>
public sealed record ScanTable(string Schema, string Name, IReadOnlyList<ScanColumn> Columns, IReadOnlyList<string> PrimaryKey);

public sealed record ScanColumn(string Name, string DataType);

/// <summary>Where a rule's numbers are in the aggregate row: its metric and, for filtered rules, the rows it considered.</summary>
public sealed record AggregateSlot(Guid RuleId, int? Metric, int Rows);

/// <summary>A query of its own for one rule (unique, referential, custom): one row, the metric first.</summary>
public sealed record RuleQuery(Guid RuleId, CompiledQuery Query);

/// <summary>
/// Everything one scan of a table sends: ONE aggregate query for every rule (its row counts and, for aggregate
/// rules, their metrics), plus one query per unique, referential and custom rule.
/// </summary>
public sealed record CompiledScan(CompiledQuery Aggregate, IReadOnlyList<AggregateSlot> Slots, IReadOnlyList<RuleQuery> RuleQueries)
{
    public int QueryCount => 1 + RuleQueries.Count;
}

/// <summary>Compiles rules of one table into as few queries as possible, in the source's dialect.</summary>
public sealed class QualityScanCompiler(IQualitySqlDialect dialect, QualityMasking masking)
{
    private const string Alias = "t";

    public IQualitySqlDialect Dialect => dialect;

    /// <param name="references">For referential rules: the referenced table's schema and name by catalog table id.</param>
    public CompiledScan Compile(ScanTable table, IReadOnlyList<QualityRule> rules, IReadOnlyDictionary<Guid, (string Schema, string Name)> references)
    {
        var p = dialect.CreateParameters();
        var select = new List<string> { dialect.CountWhere(null) };
        var slots = new List<AggregateSlot>();
        var perRule = new List<RuleQuery>();
        var rowSlots = new Dictionary<string, int>(StringComparer.Ordinal) { [string.Empty] = 0 };

        foreach (var rule in rules)
        {
            var spec = rule.Spec;
            if (spec.Type == QualityRuleType.CustomSql)
            {
                perRule.Add(new RuleQuery(rule.Id, new CompiledQuery(spec.CustomSql!, [])));
                continue;
            }

            var filter = spec.Filter is null ? null : $"({spec.Filter})";
            var rows = RowsSlot(filter);
            switch (spec.Type)
            {
                case QualityRuleType.RowCount:
                    slots.Add(new AggregateSlot(rule.Id, rows, rows));
                    break;
                case QualityRuleType.Unique:
                    slots.Add(new AggregateSlot(rule.Id, null, rows));
                    perRule.Add(new RuleQuery(rule.Id, Duplicates(table, spec)));
                    break;
                case QualityRuleType.Referential:
                    slots.Add(new AggregateSlot(rule.Id, null, rows));
                    perRule.Add(new RuleQuery(rule.Id, Referential(table, spec, references)));
                    break;
                default:
                    select.Add(AggregateMetric(spec, filter, p));
                    slots.Add(new AggregateSlot(rule.Id, select.Count - 1, rows));
                    break;
            }
        }

        var sql = $"SELECT {string.Join(", ", select)} FROM {TableName(table)} AS {Alias}";
        return new CompiledScan(new CompiledQuery(sql, p.Values), slots, perRule);

        int RowsSlot(string? filter)
        {
            var key = filter ?? string.Empty;
            if (!rowSlots.TryGetValue(key, out var slot))
            {
                select.Add(dialect.CountWhere(filter));
                slot = rowSlots[key] = select.Count - 1;
            }

            return slot;
        }
    }

    /// <summary>One rule on its own, for "test now" and for validating a rule against the database.</summary>
    public CompiledScan CompileOne(ScanTable table, QualityRule rule, IReadOnlyDictionary<Guid, (string Schema, string Name)> references) =>
        Compile(table, [rule], references);

    /// <summary>Up to 100 offending rows of a row-counting rule: primary key first, secret-looking columns masked.</summary>
    public (CompiledQuery Query, QualitySamplesShape Shape)? Samples(ScanTable table, QualityRule rule, IReadOnlyDictionary<Guid, (string Schema, string Name)> references)
    {
        var spec = rule.Spec;
        if (!spec.Type.CountsRows())
        {
            return null;
        }

        var p = dialect.CreateParameters();
        var ordered = table.PrimaryKey.Concat(table.Columns.Select(c => c.Name).Where(c => !table.PrimaryKey.Contains(c, StringComparer.Ordinal))).ToList();
        var masked = ordered.Where(masking.IsSecret).ToList();
        var list = string.Join(", ", ordered.Select(c => masking.IsSecret(c)
            ? $"NULL AS {dialect.Quote(c)}"
            : $"{dialect.AsText(Col(c))} AS {dialect.Quote(c)}"));
        var conditions = new List<string>();
        if (spec.Filter is not null)
        {
            conditions.Add($"({spec.Filter})");
        }

        conditions.Add(spec.Type switch
        {
            QualityRuleType.Unique => $"({string.Join(", ", spec.Columns.Select(Col))}) IN (SELECT {string.Join(", ", spec.Columns.Select(dialect.Quote))} FROM {TableName(table)} AS d WHERE {NotNullAll(spec.Columns, "d")}{(spec.Filter is null ? string.Empty : $" AND ({spec.Filter})")} GROUP BY {string.Join(", ", spec.Columns.Select(dialect.Quote))} HAVING count(*) > 1)",
            QualityRuleType.Referential => ReferentialCondition(spec, references),
            _ => Violation(spec, p),
        });
        var order = spec.Type == QualityRuleType.Unique ? spec.Columns.Concat(table.PrimaryKey) : table.PrimaryKey;
        var orderBy = order.Any() ? " ORDER BY " + string.Join(", ", order.Distinct(StringComparer.Ordinal).Select(Col)) : string.Empty;
        var sql = $"SELECT {list} FROM {TableName(table)} AS {Alias} WHERE {string.Join(" AND ", conditions)}{orderBy}{dialect.Limit(QualitySamples.MaxRows)}";
        return (new CompiledQuery(sql, p.Values), new QualitySamplesShape(ordered, masked));
    }

    /// <summary>The compiled filter alone, for the database to validate: one statement that reads nothing.</summary>
    public CompiledQuery FilterProbe(ScanTable table, string filter) =>
        new($"SELECT {dialect.CountWhere($"({filter})")} FROM {TableName(table)} AS {Alias}", []);

    private string AggregateMetric(QualityRuleSpec spec, string? filter, QueryParameters p)
    {
        var column = Col(spec.Column!);
        return spec.Type switch
        {
            QualityRuleType.Freshness => dialect.HoursSince(dialect.Aggregate("max", column, filter)),
            QualityRuleType.Min => dialect.AsDouble(dialect.Aggregate("min", column, filter)),
            QualityRuleType.Max => dialect.AsDouble(dialect.Aggregate("max", column, filter)),
            QualityRuleType.Avg => dialect.AsDouble(dialect.Aggregate("avg", column, filter)),
            QualityRuleType.Sum => dialect.AsDouble(dialect.Aggregate("sum", column, filter)),
            _ => dialect.CountWhere(filter is null ? Violation(spec, p) : $"{filter} AND {Violation(spec, p)}"),
        };
    }

    /// <summary>The condition an offending row meets, for rules judged row by row inside the aggregate.</summary>
    private string Violation(QualityRuleSpec spec, QueryParameters p)
    {
        var column = Col(spec.Column!);
        var text = dialect.AsText(column);
        return spec.Type switch
        {
            QualityRuleType.NotNull => $"{column} IS NULL",
            QualityRuleType.ValueBetween => $"{column} IS NOT NULL AND ({Outside(column, spec, p)})",
            QualityRuleType.LengthBetween => $"{column} IS NOT NULL AND ({Outside(dialect.TextLength(text), spec, p)})",
            QualityRuleType.InSet => $"{column} IS NOT NULL AND {dialect.NotInSet(text, spec.Values, p)}",
            QualityRuleType.Regex => $"{column} IS NOT NULL AND {dialect.NotMatching(text, p.Add(spec.Pattern!))}",
            _ => throw new DomainException($"A {spec.Type} rule is not judged row by row."),
        };
    }

    private static string Outside(string expression, QualityRuleSpec spec, QueryParameters p)
    {
        var parts = new List<string>();
        if (spec.Lower is { } lower)
        {
            parts.Add($"{expression} < {p.Add(lower)}");
        }

        if (spec.Upper is { } upper)
        {
            parts.Add($"{expression} > {p.Add(upper)}");
        }

        return string.Join(" OR ", parts);
    }

    private CompiledQuery Duplicates(ScanTable table, QualityRuleSpec spec)
    {
        var key = string.Join(", ", spec.Columns.Select(dialect.Quote));
        var where = NotNullAll(spec.Columns, Alias) + (spec.Filter is null ? string.Empty : $" AND ({spec.Filter})");
        var sql = $"SELECT {dialect.AsDouble("coalesce(sum(n - 1), 0)")} FROM (SELECT count(*) AS n FROM {TableName(table)} AS {Alias} WHERE {where} GROUP BY {key} HAVING count(*) > 1) dup";
        return new CompiledQuery(sql, []);
    }

    private CompiledQuery Referential(ScanTable table, QualityRuleSpec spec, IReadOnlyDictionary<Guid, (string Schema, string Name)> references)
    {
        var where = ReferentialCondition(spec, references) + (spec.Filter is null ? string.Empty : $" AND ({spec.Filter})");
        return new CompiledQuery($"SELECT {dialect.AsDouble(dialect.CountWhere(null))} FROM {TableName(table)} AS {Alias} WHERE {where}", []);
    }

    private string ReferentialCondition(QualityRuleSpec spec, IReadOnlyDictionary<Guid, (string Schema, string Name)> references)
    {
        if (!references.TryGetValue(spec.ReferenceTableId!.Value, out var target))
        {
            throw new DomainException("The table the values must exist in is no longer in the catalog.");
        }

        var column = Col(spec.Column!);
        return $"{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {dialect.Quote(target.Schema)}.{dialect.Quote(target.Name)} AS r WHERE r.{dialect.Quote(spec.ReferenceColumn!)} = {column})";
    }

    private string NotNullAll(IEnumerable<string> columns, string alias) =>
        string.Join(" AND ", columns.Select(c => $"{alias}.{dialect.Quote(c)} IS NOT NULL"));

    private string Col(string name) => $"{Alias}.{dialect.Quote(name)}";

    private string TableName(ScanTable table) => $"{dialect.Quote(table.Schema)}.{dialect.Quote(table.Name)}";
}

/// <summary>The columns a samples query returns and which of them are masked.</summary>
public sealed record QualitySamplesShape(IReadOnlyList<string> Columns, IReadOnlyList<string> Masked);

/// <summary>Decides which columns look secret (by a configurable name pattern) and are never read into samples.</summary>
public sealed class QualityMasking(string pattern)
{
    public const string DefaultPattern = "(?i)(pass(word|wd)?|secret|token|api_?key|private_?key|credential|ssn|social_?security|card_?(number|no)|credit_?card|cvv|iban|salt)";

    private readonly Regex _regex = new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    public bool IsSecret(string column) => _regex.IsMatch(column);
}

/// <summary>Settings of the quality feature (section "Quality").</summary>
public sealed class QualityOptions
{
    public const string Section = "Quality";

    /// <summary>Column names matching this .NET regular expression are masked in failed-row samples.</summary>
    public string MaskPattern { get; set; } = QualityMasking.DefaultPattern;

    /// <summary>The statement timeout of every query a scan sends to a source.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int StatementTimeoutSeconds { get; set; } = 120;
}
