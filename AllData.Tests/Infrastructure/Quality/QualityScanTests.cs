using AllData.Domain.Alerts;
using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Domain.Jobs;
using AllData.Domain.Quality;
using AllData.Infrastructure.Alerts;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Quality;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.Infrastructure.Quality;

/// <summary>Scans of the real demo warehouse (its generated data and shipped rules) on the test PostgreSQL.</summary>
public sealed class QualityScanTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly QualityHost _host = new(fixture);
    private string _demo = string.Empty;
    private Guid _workspace;
    private Guid _source;
    private string _developer = string.Empty;
    private Dictionary<string, Guid> _tables = [];

    public async Task InitializeAsync()
    {
        _demo = QualityHost.CreateDatabase("qdemo", DemoWarehouseSetup.DemoData + "; ANALYZE;");
        (_workspace, _developer) = await _host.NewMemberAsync(WorkspaceRole.Developer);
        _source = (await _host.RegisterAsync(_demo)).Id;
        await using var db = fixture.CreateContext(_workspace);
        await DemoQualityRules.EnsureAsync(db, _workspace, _source, DateTimeOffset.UtcNow, default);
        _tables = await db.Set<CatalogTable>().Where(t => t.DataSourceId == _source).ToDictionaryAsync(t => t.Name, t => t.Id);
    }

    public Task DisposeAsync()
    {
        fixture.Server.DropDatabase(_demo);
        return Task.CompletedTask;
    }

    public void Dispose() => _host.Dispose();

    private Task<QualityScanRow> ScanAsync(string table) => _host.With<QualityScanService, QualityScanRow>(s => s.RunScanAsync(_tables[table]));

    private async Task<Dictionary<string, QualityResultRow>> ResultsAsync(Guid scanId) =>
        (await _host.With<QualityQueries, QualityScanDetails>(q => q.GetScanAsync(scanId))).Results.ToDictionary(r => r.RuleName);

    [Fact]
    public async Task Customers_scan_finds_the_planted_null_and_duplicate_emails_in_one_aggregate_and_one_duplicates_query()
    {
        var scan = await ScanAsync("customers");

        Assert.Equal(QualityScanStatus.Succeeded, scan.Status);
        Assert.Equal(20_000, scan.RowsScanned);
        var results = await ResultsAsync(scan.Id);
        Assert.Equal(206, results["E-mail present"].Metric); // every 97th customer has no e-mail
        Assert.Equal(QualityHost.Scalar(_demo, "SELECT count(email) - count(DISTINCT email) FROM shop.customers"), (long)results["E-mail unique"].Metric!.Value);
        Assert.Equal(QualityOutcome.Failed, results["E-mail unique"].Outcome);
        Assert.Equal(QualityOutcome.Passed, results["Known country"].Outcome);
        Assert.Equal(QualityOutcome.Passed, results["Has customers"].Outcome);
        // 1 aggregate + 1 duplicates query, then one samples query per failing rule (2).
        Assert.Equal(4, scan.QueryCount);
        Assert.True(scan.Score is > 0 and < 100);
    }

    [Fact]
    public async Task The_compiled_scan_of_a_table_is_one_aggregate_query_plus_one_per_unique_rule()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var scanner = scope.ServiceProvider.GetRequiredService<QualityScanner>();
        await using var db = fixture.CreateContext(_workspace);
        var rules = await db.Set<QualityRule>().Where(r => r.TableId == _tables["customers"]).ToListAsync();
        var target = await QualityScanner.LoadAsync(db, _tables["customers"], rules, default);
        var compiled = scanner.CompilerFor(DataSourceKind.PostgreSql).Compile(target.Shape, rules, target.References);

        Assert.Equal(4, rules.Count);
        Assert.Equal(2, compiled.QueryCount);
        Assert.Single(compiled.RuleQueries);
        Assert.StartsWith("SELECT count(*)", compiled.Aggregate.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Out_of_range_quantities_and_orders_of_unknown_customers_are_counted_with_samples_primary_key_first()
    {
        var items = await ResultsAsync((await ScanAsync("order_items")).Id);
        var negative = QualityHost.Scalar(_demo, "SELECT count(*) FROM shop.order_items WHERE quantity < 1 OR quantity > 1000");
        Assert.Equal(negative, (long)items["Quantity positive"].Metric!.Value);
        var samples = items["Quantity positive"].Samples!;
        Assert.Equal(["order_id", "line_no"], samples.Columns.Take(2));
        Assert.InRange(samples.Rows.Count, 1, 100);
        var quantity = samples.Columns.ToList().IndexOf("quantity");
        Assert.All(samples.Rows, r => Assert.StartsWith("-", r[quantity], StringComparison.Ordinal));
        Assert.Equal(QualityOutcome.Passed, items["Line key unique"].Outcome);

        var orders = await ResultsAsync((await ScanAsync("orders")).Id);
        Assert.Equal(284, orders["Customer exists"].Metric); // every 211th order points at a customer that does not exist
        Assert.Equal(100, orders["Customer exists"].Samples!.Rows.Count);
        Assert.Equal("id", orders["Customer exists"].Samples!.Columns[0]);
        Assert.Equal(QualityOutcome.Passed, orders["Orders are fresh"].Outcome);
    }

    [Fact]
    public async Task The_stale_products_table_warns_and_a_relative_threshold_compares_with_seeded_history()
    {
        var ruleId = await RuleIdAsync("products", "Average price");
        var actual = QualityHost.Scalar(_demo, "SELECT round(avg(price))::bigint FROM shop.products");
        await SeedHistoryAsync(ruleId, "products", actual * 2.0);

        var results = await ResultsAsync((await ScanAsync("products")).Id);

        Assert.Equal(QualityOutcome.Warned, results["New products this month"].Outcome);
        Assert.True(results["New products this month"].Metric > 24 * 30);
        var avg = results["Average price"];
        Assert.Equal(actual * 2.0, avg.Baseline);
        Assert.Equal(QualityOutcome.Warned, avg.Outcome);
        Assert.InRange(avg.Deviation!.Value, 45, 55);
        Assert.Equal(QualityOutcome.Passed, results["SKU format"].Outcome);
    }

    [Fact]
    public async Task A_failing_blocking_rule_closes_the_gate_until_an_operator_overrides()
    {
        await ScanAsync("customers");
        var gate = await _host.With<QualityGate, QualityGateState>(g => g.CheckAsync(_workspace, _tables["customers"]));
        Assert.True(gate.IsBlocked);
        Assert.Equal(["E-mail unique"], gate.FailingRules);
        Assert.False((await _host.With<QualityGate, QualityGateState>(g => g.CheckAsync(_workspace, _tables["orders"]))).IsBlocked);

        var (_, viewer) = await _host.NewMemberAsync(WorkspaceRole.Viewer, _workspace);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _host.With<QualityGate, QualityGateState>(g => g.OverrideAsync(_tables["customers"], "x")));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ScanAsync("customers"));
        _host.ActAs(viewer);
        await _host.NewMemberAsync(WorkspaceRole.Operator, _workspace);
        var opened = await _host.With<QualityGate, QualityGateState>(g => g.OverrideAsync(_tables["customers"], "mailing paused"));
        Assert.False(opened.IsBlocked);
        Assert.Equal("mailing paused", opened.OverrideReason);
        _host.ActAs(_developer);
    }

    [Fact]
    public async Task Scanning_creates_no_object_in_the_source()
    {
        const string objects = "SELECT count(*) FROM pg_class";
        var before = QualityHost.Scalar(_demo, objects);
        await ScanAsync("customers");
        await ScanAsync("orders");
        Assert.Equal(before, QualityHost.Scalar(_demo, objects));
    }

    [Fact]
    public async Task A_rule_is_validated_by_the_database_before_it_is_saved()
    {
        var table = _tables["customers"];
        QualityRuleInput Input(string name, QualityRuleSpec spec) => new() { Name = name, Spec = spec };

        var badColumn = await Assert.ThrowsAsync<QualityFieldException>(() => _host.With<QualityRuleService, QualityRuleRow>(s => s.CreateAsync(table,
            Input("f", new QualityRuleSpec { Type = QualityRuleType.RowCount, Filter = "no_such_column > 1", Threshold = QualityThreshold.Between(1, null) }))));
        Assert.Equal("filter", badColumn.Field);
        Assert.Contains("no_such_column", badColumn.Message, StringComparison.Ordinal);

        await Assert.ThrowsAnyAsync<DomainException>(() => _host.With<QualityRuleService, QualityRuleRow>(s => s.CreateAsync(table,
            Input("i", new QualityRuleSpec { Type = QualityRuleType.RowCount, Filter = "true; DELETE FROM shop.customers", Threshold = QualityThreshold.Between(1, null) }))));

        var badRegex = await Assert.ThrowsAsync<QualityFieldException>(() => _host.With<QualityRuleService, QualityRuleRow>(s => s.CreateAsync(table,
            Input("r", new QualityRuleSpec { Type = QualityRuleType.Regex, Columns = ["email"], Pattern = "([a-z", Threshold = QualityThreshold.AtMost(0) }))));
        Assert.Equal("pattern", badRegex.Field);

        var badType = await Assert.ThrowsAsync<QualityFieldException>(() => _host.With<QualityRuleService, QualityRuleRow>(s => s.CreateAsync(table,
            Input("a", new QualityRuleSpec { Type = QualityRuleType.Avg, Columns = ["email"], Threshold = QualityThreshold.Between(0, 1) }))));
        Assert.Contains("avg", badType.Message, StringComparison.OrdinalIgnoreCase);

        var saved = await _host.With<QualityRuleService, QualityRuleRow>(s => s.CreateAsync(table,
            Input("VIP e-mails present", new QualityRuleSpec { Type = QualityRuleType.NotNull, Columns = ["email"], Filter = "is_vip", Threshold = QualityThreshold.PercentAtMost(5) })));
        Assert.Equal("is_vip", saved.Spec.Filter);
        await _host.With<QualityRuleService>(s => s.DeleteAsync(saved.Id));
    }

    [Fact]
    public async Task Test_now_measures_one_unsaved_rule_and_keeps_nothing()
    {
        var before = await CountResultsAsync();
        var test = await _host.With<QualityRuleService, QualityRuleTest>(s => s.TestAsync(_tables["orders"], new QualityRuleInput
        {
            Name = "custom",
            Spec = new QualityRuleSpec { Type = QualityRuleType.CustomSql, CustomSql = "SELECT count(*) FROM shop.orders WHERE status = 'returned'", Threshold = QualityThreshold.Between(0, 1_000_000) },
        }));
        Assert.Equal(QualityHost.Scalar(_demo, "SELECT count(*) FROM shop.orders WHERE status = 'returned'"), (long)test.Metric!.Value);
        Assert.Equal(QualityOutcome.Passed, test.Outcome);
        Assert.Equal(before, await CountResultsAsync());
    }

    [Fact]
    public async Task Suggestions_come_from_the_column_profile()
    {
        var suggestions = await _host.With<QualityRuleService, IReadOnlyList<QualityRuleSuggestion>>(s => s.SuggestAsync(_tables["page_events"]));
        Assert.Contains(suggestions, s => s.Rule.Spec.Type == QualityRuleType.Unique && s.Rule.Spec.Column == "id");
        Assert.Contains(suggestions, s => s.Rule.Spec.Type == QualityRuleType.NotNull && s.Rule.Spec.Column == "session_id");
        Assert.Contains(suggestions, s => s.Rule.Spec.Type == QualityRuleType.Freshness && s.Rule.Spec.Column == "occurred_at");
        Assert.DoesNotContain(suggestions, s => s.Rule.Spec.Type == QualityRuleType.NotNull && s.Rule.Spec.Column == "customer_id" && s.Rule.Spec.Threshold.Kind == ThresholdKind.Absolute);
    }

    [Fact]
    public async Task Overview_scores_tables_sources_and_the_workspace_worst_first()
    {
        await ScanAsync("customers");
        await ScanAsync("products");
        var overview = await _host.With<QualityQueries, QualityOverview>(q => q.GetOverviewAsync());
        Assert.NotNull(overview.Score);
        Assert.Single(overview.Sources);
        var scored = overview.Tables.Where(t => t.Score is not null).ToList();
        Assert.True(scored.Count >= 2);
        Assert.True(scored.Zip(scored.Skip(1)).All(p => p.First.Score <= p.Second.Score));
        Assert.Contains(overview.Failing, f => f.Rule == "E-mail unique" && f.IsBlocking);
        var table = await _host.With<QualityQueries, TableQuality>(q => q.GetTableAsync(_tables["customers"]));
        Assert.Equal(["E-mail present", "E-mail unique"], table.Costs.Take(2).Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.True(table.Costs.Zip(table.Costs.Skip(1)).All(p => p.First.Points >= p.Second.Points));
    }

    private async Task<int> CountResultsAsync()
    {
        await using var db = fixture.CreateContext(_workspace);
        return await db.Set<QualityResult>().CountAsync();
    }

    private async Task<Guid> RuleIdAsync(string table, string name)
    {
        await using var db = fixture.CreateContext(_workspace);
        return await db.Set<QualityRule>().Where(r => r.TableId == _tables[table] && r.Name == name).Select(r => r.Id).SingleAsync();
    }

    private async Task SeedHistoryAsync(Guid ruleId, string table, double metric)
    {
        await using var db = fixture.CreateContext(_workspace);
        var rule = await db.Set<QualityRule>().SingleAsync(r => r.Id == ruleId);
        foreach (var daysAgo in new[] { 1, 2, 3 })
        {
            var at = DateTimeOffset.UtcNow.AddDays(-daysAgo);
            var scan = new QualityScan(_workspace, _source, _tables[table], QualityScanTrigger.Schedule, "seed", at);
            var result = new QualityResult(scan, rule, metric, 500, null, at);
            scan.Finish([result], [rule], 500, 1, at);
            db.AddRange(scan, result);
        }

        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_quality_alert_fires_for_a_table_whose_latest_scan_failed_a_rule_and_a_score_threshold_only_below_it()
    {
        var scan = await ScanAsync("customers");
        Assert.True(scan.Failed > 0);
        var alerts = (Func<AlertService, Task<Guid>> act) => _host.With(act);
        var channel = await alerts(a => a.SaveChannelAsync(null, new AlertChannelInput("hook", AlertChannelKind.Webhook, new AlertChannelSettings(),
            "http://127.0.0.1:9/hook", null, null)));
        var table = new AlertScope(AlertScopeKind.Table, _tables["customers"], "shop.customers");
        var anyFailure = await alerts(a => a.SaveRuleAsync(null, new AlertRuleInput("customers quality", table,
            new AlertCondition(AlertConditionKind.QualityFailed), 0, null, 30, [channel])));
        var belowZero = await alerts(a => a.SaveRuleAsync(null, new AlertRuleInput("customers score", table,
            new AlertCondition(AlertConditionKind.QualityFailed, ScoreBelow: 0), 0, null, 30, [channel])));
        var preview = await _host.With<AlertService, AlertPreview>(a => a.PreviewAsync(new AlertRuleInput("p", table,
            new AlertCondition(AlertConditionKind.QualityFailed), 0, null, 30, [channel])));
        Assert.Equal(["shop.customers"], preview.Subjects);

        await _host.Services.GetRequiredService<AlertEvaluator>().EvaluateAsync();

        await using var db = fixture.CreateContext(_workspace);
        var firing = await db.Set<AlertInstance>().Where(i => i.RuleId == anyFailure || i.RuleId == belowZero).ToListAsync();
        var alert = Assert.Single(firing);
        Assert.Equal((anyFailure, AlertState.Firing, $"table:{_tables["customers"]}"), (alert.RuleId, alert.State, alert.SubjectKey));
        Assert.Contains("quality rule(s) failed", alert.Reason);
    }

    [Fact]
    public async Task A_job_reading_a_table_with_a_failing_blocking_rule_waits_until_an_override_and_a_job_writing_one_triggers_a_scan_per_run()
    {
        Guid ruleId;
        await using (var db = fixture.CreateContext(_workspace))
        {
            ruleId = await db.Set<QualityRule>().Where(r => r.TableId == _tables["customers"] && r.Name == "E-mail unique").Select(r => r.Id).SingleAsync();
        }

        var input = await _host.With<QualityRuleService, QualityRuleInput>(s => s.GetForEditAsync(ruleId));
        await _host.With<QualityRuleService, QualityRuleRow>(s => s.UpdateAsync(ruleId, input with { IsBlocking = true }));
        Guid jobId;
        await using (var db = fixture.CreateContext(_workspace))
        {
            var job = new Job(_workspace, "load_report", null, JobType.DatabaseSql, "ann", DateTimeOffset.UtcNow);
            db.Add(job);
            await db.SaveChangesAsync();
            jobId = job.Id;
        }

        await _host.With<JobTableService, Guid>(s => s.AddAsync(jobId, _tables["customers"], JobTableAccess.Reads));
        await _host.With<JobTableService, Guid>(s => s.AddAsync(jobId, _tables["orders"], JobTableAccess.Writes));
        await Assert.ThrowsAsync<DomainException>(() => _host.With<JobTableService, Guid>(s => s.AddAsync(jobId, _tables["orders"], JobTableAccess.Writes)));
        var gate = _host.Services.GetServices<AllData.Infrastructure.Scheduling.IRunGate>().OfType<QualityRunGate>().Single();
        var request = new AllData.Infrastructure.Scheduling.RunGateRequest(_workspace, Guid.NewGuid(), jobId, DateTimeOffset.UtcNow, "UTC");
        Assert.Equal(AllData.Infrastructure.Scheduling.GateVerdict.Open, (await gate.CheckAsync(request, default)).Verdict);

        await ScanAsync("customers");
        var held = await gate.CheckAsync(request, default);
        Assert.Equal(AllData.Infrastructure.Scheduling.GateVerdict.Wait, held.Verdict);
        Assert.Contains("'shop.customers' fails 'E-mail unique'", held.Reason);
        var listed = await _host.With<JobTableService, IReadOnlyList<JobTableRow>>(s => s.ListAsync(jobId));
        Assert.True(listed.Single(r => r.Access == JobTableAccess.Reads).Gate.IsBlocked);

        await _host.With<QualityGate, QualityGateState>(g => g.OverrideAsync(_tables["customers"], "known duplicates, fixed upstream tomorrow"));
        Assert.Equal(AllData.Infrastructure.Scheduling.GateVerdict.Open, (await gate.CheckAsync(request, default)).Verdict);

        // A successful run of the job scans the table it writes, once.
        Guid runId;
        await using (var db = fixture.CreateContext(_workspace))
        {
            var at = DateTimeOffset.UtcNow;
            var run = new JobRun(_workspace, jobId, null, RunTrigger.Manual, "ann", RunEngine.DatabaseSql, at);
            run.MarkSubmitting(at);
            run.MarkRunning(at);
            run.MarkFinished(at);
            db.Add(run);
            await db.SaveChangesAsync();
            runId = run.Id;
        }

        var scans = _host.Services.GetRequiredService<ScanWrittenTablesJob>();
        Assert.Equal(1, await scans.ScanAsync());
        Assert.Equal(0, await scans.ScanAsync());
        await using (var db = fixture.CreateContext(_workspace))
        {
            var after = await db.Set<QualityScan>().SingleAsync(s => s.AfterRunId == runId);
            Assert.Equal((_tables["orders"], QualityScanTrigger.AfterRun, QualityScanStatus.Succeeded), (after.TableId, after.Trigger, after.Status));
        }
    }

    [Fact]
    public async Task A_scan_schedule_is_a_clustered_cron_trigger_and_its_fire_scans_the_table()
    {
        var bad = await Assert.ThrowsAsync<AllData.Infrastructure.Scheduling.ScheduleInputException>(() =>
            _host.With<QualityScanScheduleService, QualityScanScheduleRow>(s => s.SetAsync(_tables["orders"], "0 0 25 * * ?", "UTC")));
        Assert.Equal("cron", bad.Problems[0].Field);

        var row = await _host.With<QualityScanScheduleService, QualityScanScheduleRow>(s => s.SetAsync(_tables["orders"], "0 30 3 * * ?", "Asia/Shanghai"));
        Assert.Equal(3, row.NextFires.Count);
        Assert.All(row.NextFires, f => Assert.Equal(new TimeSpan(19, 30, 0), f.UtcDateTime.TimeOfDay));
        var scheduler = await _host.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        var trigger = await scheduler.GetTrigger(ScheduledQualityScanJob.TriggerKeyOf(row.Id));
        Assert.NotNull(trigger);
        Assert.Equal(row.NextFires[0], trigger.NextFireTimeUtc);

        Assert.True(await _host.Services.GetRequiredService<ScheduledQualityScanJob>().ScanAsync(row.Id));
        await using (var db = fixture.CreateContext(_workspace))
        {
            var scan = await db.Set<QualityScan>().Where(s => s.TableId == _tables["orders"]).OrderByDescending(s => s.StartedAt).FirstAsync();
            Assert.Equal((QualityScanTrigger.Schedule, QualityScanStatus.Succeeded), (scan.Trigger, scan.Status));
        }

        await _host.With<QualityScanScheduleService>(s => s.RemoveAsync(_tables["orders"]));
        Assert.Null(await scheduler.GetTrigger(ScheduledQualityScanJob.TriggerKeyOf(row.Id)));
        Assert.False(await _host.Services.GetRequiredService<ScheduledQualityScanJob>().ScanAsync(row.Id));
    }

    [Fact]
    public async Task A_source_scan_schedule_scans_every_table_of_the_source_that_has_rules_in_one_batch()
    {
        var bad = await Assert.ThrowsAsync<AllData.Infrastructure.Scheduling.ScheduleInputException>(() =>
            _host.With<QualityScanScheduleService, QualityScanScheduleRow>(s => s.SetForSourceAsync(_source, "every night", "UTC")));
        Assert.Equal("cron", bad.Problems[0].Field);
        await Assert.ThrowsAsync<NotFoundException>(() =>
            _host.With<QualityScanScheduleService, QualityScanScheduleRow>(s => s.SetForSourceAsync(Guid.NewGuid(), "0 0 2 * * ?", "UTC")));

        var row = await _host.With<QualityScanScheduleService, QualityScanScheduleRow>(s => s.SetForSourceAsync(_source, "0 0 2 * * ?", "UTC"));
        Assert.Equal((_source, (Guid?)null), (row.DataSourceId!.Value, row.TableId));
        Assert.Equal(row.Id, (await _host.With<QualityScanScheduleService, QualityScanScheduleRow?>(s => s.GetForSourceAsync(_source)))!.Id);
        var scheduler = await _host.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        Assert.NotNull(await scheduler.GetTrigger(ScheduledQualityScanJob.TriggerKeyOf(row.Id)));

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.True(await _host.Services.GetRequiredService<ScheduledQualityScanJob>().ScanAsync(row.Id));
        await using (var db = fixture.CreateContext(_workspace))
        {
            var withRules = await db.Set<QualityRule>().Where(r => r.DataSourceId == _source && r.IsEnabled).Select(r => r.TableId).Distinct().CountAsync();
            var scans = await db.Set<QualityScan>().Where(s => s.DataSourceId == _source && s.StartedAt >= before).ToListAsync();
            Assert.True(withRules > 1);
            Assert.Equal(withRules, scans.Count);
            Assert.All(scans, s => Assert.Equal(QualityScanTrigger.Schedule, s.Trigger));
            Assert.Single(scans.Select(s => s.BatchId).Distinct());
        }

        await _host.With<QualityScanScheduleService>(s => s.RemoveForSourceAsync(_source));
        Assert.Null(await scheduler.GetTrigger(ScheduledQualityScanJob.TriggerKeyOf(row.Id)));
    }
}

/// <summary>The executor against a small source with a secret-looking column.</summary>
public sealed class QualitySamplingTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly QualityHost _host = new(fixture);

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Secret_looking_columns_are_masked_in_samples_and_a_smuggled_second_statement_is_a_syntax_error()
    {
        var db = QualityHost.CreateDatabase("qsrc", """
            CREATE SCHEMA app;
            CREATE TABLE app.accounts (id int PRIMARY KEY, login text, password_hash text NOT NULL, age int);
            INSERT INTO app.accounts SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'user' || g END, md5(g::text), 20 + g % 50 FROM generate_series(1, 300) g;
            """);
        try
        {
            await _host.NewMemberAsync(WorkspaceRole.Developer);
            var source = await _host.RegisterAsync(db);
            var tableId = (await _host.With<CatalogService, IReadOnlyList<TreeTable>>(c => c.GetTablesAsync(source.Id, "app")))[0].Id;
            var rule = await _host.With<QualityRuleService, QualityRuleRow>(s => s.CreateAsync(tableId, new QualityRuleInput
            {
                Name = "login present",
                Spec = new QualityRuleSpec { Type = QualityRuleType.NotNull, Columns = ["login"], Threshold = QualityThreshold.AtMost(0) },
            }));
            var scan = await _host.With<QualityScanService, QualityScanRow>(s => s.RunScanAsync(tableId));
            var result = (await _host.With<QualityQueries, QualityScanDetails>(q => q.GetScanAsync(scan.Id))).Results.Single(r => r.RuleId == rule.Id);

            Assert.Equal(30, result.Metric);
            var samples = result.Samples!;
            Assert.Equal(["id", "login", "password_hash", "age"], samples.Columns);
            Assert.Equal(["password_hash"], samples.MaskedColumns);
            Assert.Equal(30, samples.Rows.Count);
            Assert.All(samples.Rows, r => Assert.Equal(QualitySamples.Mask, r[2]));
            Assert.Equal("10", samples.Rows[0][0]);

            await using var scope = _host.Services.CreateAsyncScope();
            var secrets = scope.ServiceProvider.GetRequiredService<DataSourceSecrets>();
            await using var store = fixture.CreateContext();
            var ds = await store.Set<DataSource>().IgnoreQueryFilters().SingleAsync(d => d.Id == source.Id);
            await using var session = await new PostgresQualitySource().OpenAsync(secrets.ConnectionOf(ds), 10, default);
            var smuggled = await Assert.ThrowsAsync<QualityQueryException>(() => session.ReadRowAsync(new CompiledQuery("SELECT 1; DELETE FROM app.accounts", []), default));
            Assert.Contains("42601", smuggled.Message, StringComparison.Ordinal); // a syntax error at the server, never a second statement
        }
        finally
        {
            fixture.Server.DropDatabase(db);
        }

    }
}
