using AllData.Domain.Quality;
using AllData.Infrastructure.Quality;

namespace AllData.Tests.Infrastructure.Quality;

public sealed class QualityScanCompilerTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Other = Guid.NewGuid();

    private static readonly ScanTable Table = new("sh\"op", "cus tomers",
        [new("id", "bigint"), new("email", "text"), new("password_hash", "text"), new("age", "integer"), new("signed_up_at", "timestamp with time zone")], ["id"]);

    private static readonly Dictionary<Guid, (string Schema, string Name)> References = new() { [Other] = ("shop", "people") };

    private readonly QualityScanCompiler _compiler = new(new PostgresQualityDialect(), new QualityMasking(QualityMasking.DefaultPattern));

    private static QualityRule Rule(QualityRuleType type, string? column = null, Action<QualityRuleSpec>? _ = null, string? filter = null,
        QualityThreshold? threshold = null, decimal? lower = null, decimal? upper = null, IReadOnlyList<string>? values = null, string? pattern = null,
        string? custom = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), type + (column ?? string.Empty), new QualityRuleSpec
        {
            Type = type, Columns = column is null ? [] : [column], Filter = filter, Lower = lower, Upper = upper, Values = values ?? [], Pattern = pattern,
            CustomSql = custom, ReferenceTableId = type == QualityRuleType.Referential ? Other : null,
            ReferenceColumn = type == QualityRuleType.Referential ? "id" : null,
            Threshold = threshold ?? (type is QualityRuleType.RowCount or QualityRuleType.Min or QualityRuleType.Max or QualityRuleType.Avg or QualityRuleType.Sum
                or QualityRuleType.CustomSql or QualityRuleType.Freshness ? QualityThreshold.Between(0, 100) : QualityThreshold.AtMost(0)),
        }, QualitySeverity.Failure, 1, false, null, "dev", At);

    [Fact]
    public void Every_aggregate_rule_of_a_table_compiles_into_one_select_with_filtered_counts()
    {
        var rules = new[]
        {
            Rule(QualityRuleType.RowCount), Rule(QualityRuleType.NotNull, "email"), Rule(QualityRuleType.ValueBetween, "age", lower: 0, upper: 130),
            Rule(QualityRuleType.InSet, "email", values: ["a", "b"]), Rule(QualityRuleType.Regex, "email", pattern: "@"),
            Rule(QualityRuleType.LengthBetween, "email", lower: 3, upper: 200), Rule(QualityRuleType.Min, "age"), Rule(QualityRuleType.Max, "age"),
            Rule(QualityRuleType.Avg, "age"), Rule(QualityRuleType.Sum, "age"), Rule(QualityRuleType.Freshness, "signed_up_at"),
        };
        var scan = _compiler.Compile(Table, rules, References);

        Assert.Equal(1, scan.QueryCount);
        Assert.Empty(scan.RuleQueries);
        Assert.StartsWith("SELECT count(*), ", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.EndsWith("FROM \"sh\"\"op\".\"cus tomers\" AS t", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Contains("count(*) FILTER (WHERE t.\"email\" IS NULL)", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Contains("t.\"age\" < $1 OR t.\"age\" > $2", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Contains("NOT ((t.\"email\")::text = ANY($3))", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Contains("(t.\"email\")::text !~ $4", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Contains("char_length((t.\"email\")::text) < $5", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Contains("(avg(t.\"age\"))::double precision", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Contains("now() - (max(t.\"signed_up_at\"))::timestamptz", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Equal<object>([0m, 130m, new[] { "a", "b" }, "@", 3m, 200m], scan.Aggregate.Parameters);
        Assert.Equal(rules.Length, scan.Slots.Count);
    }

    [Fact]
    public void Constants_are_parameters_never_text()
    {
        var scan = _compiler.Compile(Table, [Rule(QualityRuleType.InSet, "email", values: ["x'); DROP TABLE t; --"])], References);
        Assert.DoesNotContain("DROP", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Equal("x'); DROP TABLE t; --", ((string[])scan.Aggregate.Parameters[0])[0]);
    }

    [Fact]
    public void A_filter_restricts_the_metric_and_adds_the_rows_it_considers_once()
    {
        var a = Rule(QualityRuleType.NotNull, "email", filter: "age > 18");
        var b = Rule(QualityRuleType.RowCount, filter: "age > 18");
        var scan = _compiler.Compile(Table, [a, b], References);
        Assert.Contains("count(*) FILTER (WHERE (age > 18) AND t.\"email\" IS NULL)", scan.Aggregate.Sql, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(scan.Aggregate.Sql, @"count\(\*\) FILTER \(WHERE \(age > 18\)\)"));
        Assert.Equal(scan.Slots[0].Rows, scan.Slots[1].Rows);
        Assert.NotEqual(0, scan.Slots[0].Rows);
    }

    [Fact]
    public void Unique_referential_and_custom_rules_add_one_query_each()
    {
        var scan = _compiler.Compile(Table,
            [Rule(QualityRuleType.NotNull, "email"), Rule(QualityRuleType.Unique, "email"), Rule(QualityRuleType.Referential, "age"),
                Rule(QualityRuleType.CustomSql, custom: "SELECT 1")], References);
        Assert.Equal(4, scan.QueryCount);
        Assert.Contains("GROUP BY \"email\" HAVING count(*) > 1", scan.RuleQueries[0].Query.Sql, StringComparison.Ordinal);
        Assert.Contains("NOT EXISTS (SELECT 1 FROM \"shop\".\"people\" AS r WHERE r.\"id\" = t.\"age\")", scan.RuleQueries[1].Query.Sql, StringComparison.Ordinal);
        Assert.Equal("SELECT 1", scan.RuleQueries[2].Query.Sql);
    }

    [Fact]
    public void Samples_put_the_primary_key_first_cap_at_100_rows_and_never_read_secret_columns()
    {
        var (query, shape) = _compiler.Samples(Table, Rule(QualityRuleType.NotNull, "email"), References)!.Value;
        Assert.Equal("id", shape.Columns[0]);
        Assert.Equal(["password_hash"], shape.Masked);
        Assert.Contains("NULL AS \"password_hash\"", query.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("t.\"password_hash\"", query.Sql, StringComparison.Ordinal);
        Assert.EndsWith("ORDER BY t.\"id\" LIMIT 100", query.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Aggregate_rules_have_no_samples() =>
        Assert.Null(_compiler.Samples(Table, Rule(QualityRuleType.Avg, "age"), References));

    [Fact]
    public void Mask_pattern_is_configurable()
    {
        var compiler = new QualityScanCompiler(new PostgresQualityDialect(), new QualityMasking("(?i)^email$"));
        var (_, shape) = compiler.Samples(Table, Rule(QualityRuleType.NotNull, "age"), References)!.Value;
        Assert.Equal(["email"], shape.Masked);
    }
}
