using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using AllData.Domain.Quality;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Quality;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace AllData.Tests.Infrastructure.Quality;

/// <summary>Quality rules and scans on a MySQL-kind source, against a real MariaDB server (no FILTER clause there).</summary>
public sealed class MySqlQualityTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly QualityHost _host = new(fixture);
    private Guid _workspace;
    private string _database = string.Empty;
    private Dictionary<string, Guid> _tables = [];

    private static MariaDbServer Maria => MariaDbServer.Instance;

    public async Task InitializeAsync()
    {
        (_workspace, _) = await _host.NewMemberAsync(WorkspaceRole.Developer);
        var (database, user) = Maria.CreateSource("quality", MariaDbServer.DemoSchema);
        _database = database;
        var created = await _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(new DataSourceInput
        {
            Name = "my-" + database[^8..], Kind = DataSourceKind.MySql, Host = "127.0.0.1", Port = Maria.Port, Database = database, UserName = user,
            Password = MariaDbServer.AdminPassword, SslMode = DataSourceSslMode.Disable,
        }));
        await using var db = fixture.CreateContext(_workspace);
        _tables = await db.Set<CatalogTable>().Where(t => t.DataSourceId == created.Id).ToDictionaryAsync(t => t.Name, t => t.Id);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _host.Dispose();

    private Task<QualityRuleRow> RuleAsync(string table, string name, QualityRuleSpec spec) =>
        _host.With<QualityRuleService, QualityRuleRow>(s => s.CreateAsync(_tables[table], new QualityRuleInput
        {
            Name = name, Spec = spec, Severity = QualitySeverity.Failure, Weight = 1,
        }));

    private async Task<(QualityScanRow Scan, Dictionary<string, QualityResultRow> Results)> ScanAsync(string table)
    {
        var scan = await _host.With<QualityScanService, QualityScanRow>(s => s.RunScanAsync(_tables[table]));
        var details = await _host.With<QualityQueries, QualityScanDetails>(q => q.GetScanAsync(scan.Id));
        return (scan, details.Results.ToDictionary(r => r.RuleName));
    }

    [Fact]
    public async Task Every_aggregate_rule_of_a_table_is_one_query_on_MariaDB_with_the_expected_counts()
    {
        await RuleAsync("orders", "has rows", new QualityRuleSpec { Type = QualityRuleType.RowCount, Threshold = QualityThreshold.Between(1, 10) });
        await RuleAsync("orders", "note present", new QualityRuleSpec { Type = QualityRuleType.NotNull, Columns = ["note"], Threshold = QualityThreshold.AtMost(0) });
        await RuleAsync("orders", "sane total", new QualityRuleSpec
        {
            Type = QualityRuleType.ValueBetween, Columns = ["total"], Lower = 0, Upper = 500, Threshold = QualityThreshold.AtMost(0),
        });
        await RuleAsync("orders", "largest order", new QualityRuleSpec { Type = QualityRuleType.Max, Columns = ["total"], Threshold = QualityThreshold.AtMost(1000) });
        await RuleAsync("orders", "big ones", new QualityRuleSpec
        {
            Type = QualityRuleType.NotNull, Columns = ["note"], Filter = "`total` > 100", Threshold = QualityThreshold.AtMost(0),
        });
        await RuleAsync("orders", "known customer", new QualityRuleSpec
        {
            Type = QualityRuleType.Referential, Columns = ["customer_id"], ReferenceTableId = _tables["customers"], ReferenceColumn = "id",
            Threshold = QualityThreshold.AtMost(0),
        });
        await RuleAsync("orders", "one order per customer", new QualityRuleSpec
        {
            Type = QualityRuleType.Unique, Columns = ["customer_id"], Threshold = QualityThreshold.AtMost(0),
        });

        var (scan, results) = await ScanAsync("orders");

        Assert.Equal(QualityScanStatus.Succeeded, scan.Status);
        Assert.Equal(3, scan.RowsScanned);
        Assert.Equal(3, results["has rows"].Metric);
        Assert.Equal(QualityOutcome.Passed, results["has rows"].Outcome);
        Assert.Equal(1, results["note present"].Metric);
        Assert.Equal(1, results["sane total"].Metric);
        Assert.Equal(QualityOutcome.Failed, results["sane total"].Outcome);
        Assert.Equal(999.99, results["largest order"].Metric!.Value, 2);
        Assert.Equal(0, results["big ones"].Metric);
        Assert.Equal(0, results["known customer"].Metric);
        Assert.Equal(1, results["one order per customer"].Metric);

        // Samples of a failing rule: the offending row, key first.
        var sample = Assert.Single(results["sane total"].Samples!.Rows);
        Assert.Equal("id", results["sane total"].Samples!.Columns[0]);
        Assert.Contains("999.99", sample);
        Assert.Equal(2, results["one order per customer"].Samples!.Rows.Count);

        // One aggregate, one duplicates and one referential query, then a samples query per failing rule (3).
        Assert.Equal(6, scan.QueryCount);
    }

    [Fact]
    public async Task Text_rules_use_MySQL_regular_expressions_and_lengths()
    {
        await RuleAsync("customers", "known names", new QualityRuleSpec
        {
            Type = QualityRuleType.InSet, Columns = ["name"], Values = ["Ann", "Bob"], Threshold = QualityThreshold.AtMost(0),
        });
        await RuleAsync("customers", "mail shape", new QualityRuleSpec
        {
            Type = QualityRuleType.Regex, Columns = ["email"], Pattern = "^[a-z]+@example\\.com$", Threshold = QualityThreshold.AtMost(0),
        });
        await RuleAsync("customers", "short names", new QualityRuleSpec
        {
            Type = QualityRuleType.LengthBetween, Columns = ["name"], Lower = 2, Upper = 3, Threshold = QualityThreshold.AtMost(0),
        });
        await RuleAsync("customers", "unique mail", new QualityRuleSpec { Type = QualityRuleType.Unique, Columns = ["email"], Threshold = QualityThreshold.AtMost(0) });
        await RuleAsync("customers", "active share", new QualityRuleSpec
        {
            Type = QualityRuleType.CustomSql, CustomSql = "SELECT AVG(is_active = 1) * 100 FROM customers", Threshold = QualityThreshold.Between(50, 100),
        });

        var (scan, results) = await ScanAsync("customers");

        Assert.Equal(QualityScanStatus.Succeeded, scan.Status);
        Assert.Equal(1, results["known names"].Metric);
        Assert.Equal(0, results["mail shape"].Metric);
        Assert.Equal(0, results["short names"].Metric);
        Assert.Equal(0, results["unique mail"].Metric);
        Assert.Equal(100.0 / 3, results["active share"].Metric!.Value, 3);
        Assert.Equal(QualityOutcome.Failed, results["active share"].Outcome);
    }

    [Fact]
    public async Task A_bad_filter_a_second_statement_and_a_bad_pattern_are_refused_at_their_field()
    {
        var unknown = await Assert.ThrowsAsync<QualityFieldException>(() => RuleAsync("orders", "bad", new QualityRuleSpec
        {
            Type = QualityRuleType.NotNull, Columns = ["note"], Filter = "no_such_column > 1", Threshold = QualityThreshold.AtMost(0),
        }));
        Assert.Equal("filter", unknown.Field);
        Assert.Contains("no_such_column", unknown.Message, StringComparison.Ordinal);

        // Refused before any source sees it (a filter is one expression), and the table is still there.
        await Assert.ThrowsAnyAsync<AllData.Domain.Common.DomainException>(() => RuleAsync("orders", "smuggled", new QualityRuleSpec
        {
            Type = QualityRuleType.NotNull, Columns = ["note"], Filter = "1 = 1; DROP TABLE orders", Threshold = QualityThreshold.AtMost(0),
        }));
        Assert.Equal(3L, Convert.ToInt64(Maria.Scalar(_database, "SELECT COUNT(*) FROM orders"), System.Globalization.CultureInfo.InvariantCulture));

        var pattern = await Assert.ThrowsAsync<QualityFieldException>(() => RuleAsync("customers", "bad pattern", new QualityRuleSpec
        {
            Type = QualityRuleType.Regex, Columns = ["email"], Pattern = "([a-z", Threshold = QualityThreshold.AtMost(0),
        }));
        Assert.Equal("pattern", pattern.Field);
    }
}
