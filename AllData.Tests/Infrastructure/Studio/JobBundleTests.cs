using AllData.Domain.Alerts;
using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Quality;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Alerts;
using AllData.Infrastructure.Jobs;
using AllData.Infrastructure.Quality;
using AllData.Infrastructure.Scheduling;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;
using AllData.Tests.Infrastructure.Quality;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using JobType = AllData.Domain.Jobs.JobType;

namespace AllData.Tests.Infrastructure.Studio;

/// <summary>Export and import of folders as bundles, against the real store, a real source and the clustered Quartz store.</summary>
public sealed class JobBundleTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private const string Warehouse = """
        CREATE SCHEMA shop;
        CREATE TABLE shop.customers (id int PRIMARY KEY, name text NOT NULL, email text);
        CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int REFERENCES shop.customers (id), amount numeric);
        INSERT INTO shop.customers SELECT g, 'c' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'c' || g || '@x.test' END FROM generate_series(1, 100) g;
        """;

    private readonly QualityHost _host = new(fixture);
    private string _database = string.Empty;
    private string _source = string.Empty;
    private Guid _workspace;
    private string _developer = string.Empty;
    private Guid _etl;

    public async Task InitializeAsync()
    {
        _database = QualityHost.CreateDatabase("bundle", Warehouse);
        (_workspace, _developer) = await _host.NewMemberAsync(WorkspaceRole.Developer);
        var sourceId = (await _host.RegisterAsync(_database)).Id;
        _source = await SourceNameAsync(sourceId);
        _etl = await BuildFolderAsync(sourceId);
    }

    public Task DisposeAsync()
    {
        fixture.Server.DropDatabase(_database);
        return Task.CompletedTask;
    }

    public void Dispose() => _host.Dispose();

    /// <summary>etl/ with daily/load (writes orders, scheduled), etl/report (reads customers, after load), a rule on customers, an alert on etl.</summary>
    private async Task<Guid> BuildFolderAsync(Guid sourceId)
    {
        var etl = await _host.With<JobTreeService, FolderNode>(t => t.CreateFolderAsync("etl", null));
        var daily = await _host.With<JobTreeService, FolderNode>(t => t.CreateFolderAsync("daily", etl.Id));
        var load = await _host.With<JobTreeService, JobNode>(t => t.CreateJobAsync("load", daily.Id, JobType.DatabaseSql));
        var report = await _host.With<JobTreeService, JobNode>(t => t.CreateJobAsync("report", etl.Id, JobType.DatabaseSql));
        await _host.With<JobService, JobDetail>(s => s.SaveAsync(load.Id, new JobDraft("INSERT INTO shop.orders\nSELECT 1, 1, 9.5\nWHERE false;",
            sourceId, 600, 500, new Dictionary<string, string> { ["region"] = "eu", ["n"] = "123" }, 1)));
        await _host.With<JobService, JobDetail>(s => s.SaveAsync(report.Id, new JobDraft("SELECT count(*) FROM shop.customers;", sourceId, null, 1000,
            new Dictionary<string, string>(), 1)));
        await _host.With<JobVersionService, JobVersionSummary>(s => s.PublishAsync(load.Id, "v1"));
        await _host.With<ScheduleService, Guid>(s => s.CreateAsync(new ScheduleInput
        {
            Name = "load nightly " + _workspace.ToString("N")[..6], JobId = load.Id, Cron = "0 0 2 * * ?", TimeZoneId = "Europe/Berlin", RetryCount = 2,
        }));
        await _host.With<DependencyService, Guid>(s => s.AddAsync(report.Id, load.Id, DependencyDate.SameDate, UpstreamFailurePolicy.Skip));
        var tables = await TablesAsync();
        await _host.With<JobTableService, Guid>(s => s.AddAsync(load.Id, tables["orders"], JobTableAccess.Writes));
        await _host.With<JobTableService, Guid>(s => s.AddAsync(report.Id, tables["customers"], JobTableAccess.Reads));
        await _host.With<QualityRuleService, QualityRuleRow>(s => s.CreateAsync(tables["customers"], new QualityRuleInput
        {
            Name = "email present", Severity = QualitySeverity.Failure, Weight = 2, IsBlocking = true,
            Spec = new QualityRuleSpec
            {
                Type = QualityRuleType.NotNull, Columns = ["email"], Filter = "id > 0",
                Threshold = QualityThreshold.PercentAtMost(5),
            },
        }));
        var channel = await _host.With<AlertService, Guid>(s => s.SaveChannelAsync(null, new AlertChannelInput("ops", AlertChannelKind.Webhook,
            new AlertChannelSettings(), "http://127.0.0.1:9/hook", null, null)));
        await _host.With<AlertService, Guid>(s => s.SaveRuleAsync(null, new AlertRuleInput("etl failed " + _workspace.ToString("N")[..6],
            new AlertScope(AlertScopeKind.Folder, etl.Id), AlertCondition.RunFailed(), 0, 60, 30, [channel])));
        return etl.Id;
    }

    private async Task<Dictionary<string, Guid>> TablesAsync()
    {
        await using var db = fixture.CreateContext(_workspace);
        return await db.Set<CatalogTable>().Where(t => t.SchemaName == "shop").ToDictionaryAsync(t => t.Name, t => t.Id);
    }

    private async Task<string> SourceNameAsync(Guid id)
    {
        await using var db = fixture.CreateContext(_workspace);
        return await db.Set<DataSource>().Where(s => s.Id == id).Select(s => s.Name).FirstAsync();
    }

    private Task<JobBundle> ExportAsync(Guid? folder) => _host.With<JobBundleService, JobBundle>(s => s.ExportAsync(folder));

    private Task<BundlePlan> PlanAsync(Guid? folder, JobBundle bundle, bool prune = false) =>
        _host.With<JobBundleService, BundlePlan>(s => s.PlanAsync(folder, bundle, prune));

    private Task<BundlePlan> ApplyAsync(Guid? folder, JobBundle bundle, bool prune = false, string? fingerprint = null) =>
        _host.With<JobBundleService, BundlePlan>(s => s.ApplyAsync(folder, bundle, prune, fingerprint));

    /// <summary>A second workspace with the same source registered (same name) and its own "ops" channel, as a production copy.</summary>
    private async Task<Guid> ProductionAsync()
    {
        var (production, _) = await _host.NewMemberAsync(WorkspaceRole.Developer);
        await _host.RegisterAsync(_database);
        await _host.With<AlertService, Guid>(s => s.SaveChannelAsync(null, new AlertChannelInput("ops", AlertChannelKind.Webhook,
            new AlertChannelSettings(), "http://127.0.0.1:9/prod", null, null)));
        return production;
    }

    [Fact]
    public async Task The_export_names_everything_by_path_and_name_and_holds_no_secret()
    {
        var bundle = await ExportAsync(_etl);
        var yaml = JobBundleText.ToYaml(bundle);

        Assert.Equal(["daily"], bundle.Folders);
        Assert.Equal(["daily/load", "report"], bundle.Jobs.Select(j => j.Path));
        var load = bundle.Jobs[0];
        Assert.Equal(_source, load.DataSource);
        Assert.Equal("eu", load.Variables["region"]);
        Assert.Equal(new BundleTableUse($"{_source}:shop.orders", JobTableAccess.Writes), Assert.Single(load.Tables));
        var schedule = Assert.Single(load.Schedules);
        Assert.Equal(("0 0 2 * * ?", "Europe/Berlin", 2), (schedule.Cron, schedule.TimeZoneId, schedule.RetryCount));
        Assert.Equal(new BundleDependency("daily/load", DependencyDate.SameDate, UpstreamFailurePolicy.Skip), Assert.Single(bundle.Jobs[1].DependsOn));
        Assert.Equal([$"{_source}:shop.customers", $"{_source}:shop.orders"], bundle.Tables.Select(t => t.Table));
        var rule = Assert.Single(bundle.Tables[0].Rules);
        Assert.Equal(("email present", "id > 0", true), (rule.Name, rule.Spec.Filter, rule.Blocking));
        var alert = Assert.Single(bundle.Alerts);
        Assert.Equal((AlertScopeKind.Folder, ""), (alert.Scope.Kind, alert.Scope.Path));
        Assert.Equal(["ops"], alert.Channels);

        // SQL is a literal block; a number-like text stays text; no password, no channel URL, no id.
        Assert.Contains("sql: |-\n    INSERT INTO shop.orders\n    SELECT 1, 1, 9.5", yaml, StringComparison.Ordinal);
        Assert.Contains("n: \"123\"", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(PostgresServer.SuperPassword, yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(_etl.ToString(), yaml, StringComparison.Ordinal);
        Assert.Equal(yaml, JobBundleText.ToYaml(JobBundleText.Read(yaml)));
        Assert.Equal(yaml, JobBundleText.ToYaml(JobBundleText.Read(JobBundleText.ToJson(bundle))));
    }

    [Fact]
    public async Task Importing_into_another_workspace_recreates_the_folder_and_the_dry_run_equals_the_apply()
    {
        var yaml = JobBundleText.ToYaml(await ExportAsync(_etl));
        var production = await ProductionAsync();
        var target = await _host.With<JobTreeService, FolderNode>(t => t.CreateFolderAsync("etl", null));

        var dryRun = await PlanAsync(target.Id, JobBundleText.Read(yaml));
        Assert.True(dryRun.CanApply, string.Join("; ", dryRun.Problems.Select(p => p.At + ": " + p.Message)));
        Assert.Equal(
            [(BundleChangeKind.Create, BundleItemKind.Folder, "daily"), (BundleChangeKind.Create, BundleItemKind.Job, "daily/load"),
             (BundleChangeKind.Create, BundleItemKind.Job, "report"), (BundleChangeKind.Create, BundleItemKind.Schedule, $"load nightly {_workspace.ToString("N")[..6]}"),
             (BundleChangeKind.Create, BundleItemKind.QualityRule, $"{_source}:shop.customers/email present"),
             (BundleChangeKind.Create, BundleItemKind.AlertRule, $"etl failed {_workspace.ToString("N")[..6]}")],
            dryRun.Changes.Select(c => (c.Change, c.Item, c.Key)));
        await using (var db = fixture.CreateContext(production))
        {
            Assert.Equal(0, await db.Set<Job>().CountAsync());
        }

        var applied = await ApplyAsync(target.Id, JobBundleText.Read(yaml), fingerprint: dryRun.Fingerprint);

        Assert.Equal(dryRun.Changes, applied.Changes);
        Assert.Equal(dryRun.Fingerprint, applied.Fingerprint);
        Assert.Equal(yaml, JobBundleText.ToYaml(await ExportAsync(target.Id)));
        Assert.Empty((await PlanAsync(target.Id, JobBundleText.Read(yaml), prune: true)).Changes);

        // Jobs were published (the schedule has a version to run) and the schedule's trigger is in the clustered store.
        await using var check = fixture.CreateContext(production);
        var jobs = await check.Set<Job>().ToListAsync();
        Assert.All(jobs, j => Assert.Equal(1, j.LatestVersionNumber));
        var schedule = await check.Set<Schedule>().SingleAsync();
        var scheduler = await _host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.NotNull(await scheduler.GetTrigger(SchedulingKeys.ScheduleTrigger(schedule.Id)));
        Assert.Single(await check.Set<AlertRule>().ToListAsync());
    }

    [Fact]
    public async Task A_changed_text_shows_as_a_diff_and_prune_deletes_what_the_bundle_left_out()
    {
        var bundle = await ExportAsync(_etl);
        var load = bundle.Jobs[0];
        var edited = bundle with
        {
            Jobs = [load with { Sql = load.Sql.Replace("9.5", "10.5", StringComparison.Ordinal), Schedules = [] }, bundle.Jobs[1]],
        };

        var kept = await PlanAsync(_etl, edited);
        var change = Assert.Single(kept.Changes);
        Assert.Equal((BundleChangeKind.Change, BundleItemKind.Job, "daily/load"), (change.Change, change.Item, change.Key));
        Assert.Contains("-  SELECT 1, 1, 9.5", change.Diff, StringComparison.Ordinal);
        Assert.Contains("+  SELECT 1, 1, 10.5", change.Diff, StringComparison.Ordinal);

        var pruned = await PlanAsync(_etl, edited with { Alerts = [] }, prune: true);
        Assert.Equal([(BundleChangeKind.Change, BundleItemKind.Job), (BundleChangeKind.Delete, BundleItemKind.Schedule), (BundleChangeKind.Delete, BundleItemKind.AlertRule)],
            pruned.Changes.Select(c => (c.Change, c.Item)));

        var applied = await ApplyAsync(_etl, edited with { Alerts = [] }, prune: true);
        Assert.Equal(pruned.Changes, applied.Changes);
        await using var db = fixture.CreateContext(_workspace);
        Assert.Equal(0, await db.Set<Schedule>().CountAsync());
        var job = await db.Set<Job>().SingleAsync(j => j.Name == "load");
        Assert.Contains("10.5", job.DraftSql, StringComparison.Ordinal);
        Assert.Equal(2, job.LatestVersionNumber);
    }

    [Fact]
    public async Task Bad_names_and_settings_are_problems_at_their_place_and_nothing_is_changed()
    {
        var bundle = await ExportAsync(_etl);
        var load = bundle.Jobs[0];
        var report = bundle.Jobs[1];
        var bad = bundle with
        {
            Jobs =
            [
                load with
                {
                    DataSource = "no-such-source", DependsOn = [new BundleDependency("report")],
                    Schedules = [load.Schedules[0] with { Cron = "0 0 25 * * ?" }],
                },
                report,
            ],
        };

        var plan = await PlanAsync(_etl, bad);

        Assert.False(plan.CanApply);
        Assert.Contains(plan.Problems, p => p.At == "jobs/daily/load" && p.Message.Contains("no-such-source", StringComparison.Ordinal));
        Assert.Contains(plan.Problems, p => p.At.StartsWith($"schedules/{load.Schedules[0].Name}/cron", StringComparison.Ordinal));
        Assert.Contains(plan.Problems, p => p.At.EndsWith("/dependsOn", StringComparison.Ordinal) && p.Message.Contains("cycle", StringComparison.Ordinal));
        var refused = await Assert.ThrowsAsync<BundleRejectedException>(() => ApplyAsync(_etl, bad));
        Assert.Equal(plan.Problems, refused.Problems);
        await using var db = fixture.CreateContext(_workspace);
        Assert.Equal(1, (await db.Set<Job>().SingleAsync(j => j.Name == "load")).LatestVersionNumber);

        // A filter the source's parser refuses is found before anything is written.
        var rules = bundle.Tables[0];
        var badFilter = bundle with { Tables = [rules with { Rules = [rules.Rules[0] with { Spec = rules.Rules[0].Spec with { Filter = "id >" } }] }] };
        var filterPlan = await PlanAsync(_etl, badFilter);
        Assert.Contains(filterPlan.Problems, p => p.At == $"tables/{_source}:shop.customers/email present");
    }

    [Fact]
    public async Task A_typo_in_the_text_is_named_and_a_plan_that_changed_since_the_dry_run_is_refused()
    {
        var yaml = JobBundleText.ToYaml(await ExportAsync(_etl));
        var typo = Assert.Throws<DomainException>(() => JobBundleText.Read(yaml.Replace("rowCap:", "rowcapp:", StringComparison.Ordinal)));
        Assert.Contains("rowcapp", typo.Message, StringComparison.Ordinal);
        var broken = Assert.Throws<DomainException>(() => JobBundleText.Read("format: [unclosed"));
        Assert.Contains("line", broken.Message, StringComparison.Ordinal);

        var bundle = JobBundleText.Read(yaml);
        var edited = bundle with { Jobs = [bundle.Jobs[0] with { RowCap = 42 }, bundle.Jobs[1]] };
        var dryRun = await PlanAsync(_etl, edited);
        Guid reportId;
        await using (var db = fixture.CreateContext(_workspace))
        {
            reportId = await db.Set<Job>().Where(j => j.Name == "report").Select(j => j.Id).FirstAsync();
        }

        await _host.With<JobService, JobDetail>(async s =>
        {
            var current = await s.GetAsync(reportId);
            return await s.SaveAsync(reportId, new JobDraft(current.DraftSql + "\n-- edited meanwhile", current.DataSourceId, null, 1000,
                new Dictionary<string, string>(), current.Version));
        });

        await Assert.ThrowsAsync<BundlePlanChangedException>(() => ApplyAsync(_etl, edited, fingerprint: dryRun.Fingerprint));
    }

    [Fact]
    public async Task A_viewer_exports_but_cannot_import()
    {
        var bundle = await ExportAsync(_etl);
        await _host.NewMemberAsync(WorkspaceRole.Viewer, _workspace);

        Assert.Equal(bundle.Jobs.Count, (await ExportAsync(_etl)).Jobs.Count);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => PlanAsync(_etl, bundle));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ApplyAsync(_etl, bundle));
    }
}
