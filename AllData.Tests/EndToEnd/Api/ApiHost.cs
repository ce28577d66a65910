using AllData.Domain.Scheduling;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using AllData.Domain.Alerts;
using AllData.Domain.Catalog;
using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Quality;
using AllData.Infrastructure.Alerts;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Quality;
using AllData.Infrastructure.Scheduling;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;
using AllData.Web.Features.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.EndToEnd.Api;

/// <summary>
/// The real app on Kestrel with its own database, seeded for API tests: workspace A with a Viewer, Operator, Developer and
/// Admin, a data source on the test PostgreSQL, a synced catalog, a published job and one finished run, a Flink cluster;
/// workspace B with its own Admin; and an API token for each (plus an expired and a revoked one).
/// </summary>
public sealed class ApiHost : IAsyncLifetime
{
    private readonly DatabaseFixture _database = new();
    private AppFactory? _factory;

    public string BaseUrl { get; private set; } = string.Empty;

    public IServiceProvider Services => _factory!.Services;

    public DatabaseFixture Database => _database;

    public Guid WorkspaceA { get; private set; }

    public Guid WorkspaceB { get; private set; }

    public Dictionary<WorkspaceRole, string> UserIds { get; } = [];

    public string OtherAdminId { get; private set; } = string.Empty;

    /// <summary>Tokens by principal name: Viewer, Operator, Developer, Admin (all scopes their role allows), Other, Expired, Revoked.</summary>
    public Dictionary<string, string> Tokens { get; } = [];

    public Guid DataSourceId { get; private set; }

    public Guid JobId { get; private set; }

    public Guid RunId { get; private set; }

    public Guid TableId { get; private set; }

    public Guid ClusterId { get; private set; }

    public Guid ScheduleId { get; private set; }

    public Guid BackfillId { get; private set; }

    public Guid QualityRuleId { get; private set; }

    public Guid ScanId { get; private set; }

    public Guid AlertChannelId { get; private set; }

    public Guid AlertRuleId { get; private set; }

    public Guid AlertId { get; private set; }

    public Guid AckRuleId { get; private set; }

    public Guid SilenceId { get; private set; }

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _factory = new AppFactory(_database.ConnectionString);
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseUrl = _factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');

        (WorkspaceA, UserIds[WorkspaceRole.Admin]) = await MemberSeed.CreateAsync(_database, WorkspaceRole.Admin, userNamePrefix: "admin");
        foreach (var role in new[] { WorkspaceRole.Viewer, WorkspaceRole.Operator, WorkspaceRole.Developer })
        {
            (_, UserIds[role]) = await MemberSeed.CreateAsync(_database, role, WorkspaceA, role.ToString().ToLowerInvariant());
        }

        (WorkspaceB, OtherAdminId) = await MemberSeed.CreateAsync(_database, WorkspaceRole.Admin, userNamePrefix: "other");

        await using (var db = _database.CreateContext(WorkspaceA))
        {
            await using var scope = Services.CreateAsyncScope();
            var settings = new DataSourceSettings("warehouse", DataSourceKind.PostgreSql, "127.0.0.1", _database.Server.Port, _database.DatabaseName,
                PostgresServer.SuperUser, DataSourceSslMode.Disable);
            var source = new DataSource(WorkspaceA, settings,
                scope.ServiceProvider.GetRequiredService<DataSourceSecrets>().Protect(PostgresServer.SuperPassword), DateTimeOffset.UtcNow);
            db.Add(source);
            var cluster = new FlinkCluster(WorkspaceA, "flink-a", "http://127.0.0.1:9", null, null, DateTimeOffset.UtcNow);
            db.Add(cluster);
            await db.SaveChangesAsync();
            DataSourceId = source.Id;
            ClusterId = cluster.Id;
        }

        await using (var sync = Services.CreateAsyncScope())
        {
            await sync.ServiceProvider.GetRequiredService<CatalogSyncService>().SyncAsync(WorkspaceA, DataSourceId, null, CancellationToken.None);
        }

        await using (var db = _database.CreateContext(WorkspaceA))
        {
            TableId = await db.Set<CatalogTable>().Where(t => t.Name == "workspaces").Select(t => t.Id).FirstAsync();
        }

        await using (var scope = ActAs(UserIds[WorkspaceRole.Developer]))
        {
            JobId = await CreateJobAsync(scope.ServiceProvider, "select 1 as one;");
            await scope.ServiceProvider.GetRequiredService<JobVersionService>().PublishAsync(JobId, "first");
            ScheduleId = await scope.ServiceProvider.GetRequiredService<ScheduleService>().CreateAsync(new ScheduleInput
            {
                Name = "nightly", JobId = JobId, Cron = "0 0 2 * * ?",
            });
            BackfillId = await scope.ServiceProvider.GetRequiredService<BackfillService>().CreateAsync(ScheduleId,
                new BackfillRequest(new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2), 1, BackfillOrder.OldestFirst, BackfillMode.All, false));
            QualityRuleId = (await scope.ServiceProvider.GetRequiredService<QualityRuleService>().CreateAsync(TableId, new QualityRuleInput
            {
                Name = "name present",
                Spec = new QualityRuleSpec { Type = QualityRuleType.NotNull, Columns = ["name"], Threshold = QualityThreshold.AtMost(0) },
            })).Id;
            var alerts = scope.ServiceProvider.GetRequiredService<AlertService>();
            AlertChannelId = await alerts.SaveChannelAsync(null, new AlertChannelInput("ops hook", AlertChannelKind.Webhook, new AlertChannelSettings(),
                "http://127.0.0.1:9/hook", "hook-signing-secret", null));
            AlertRuleId = await alerts.SaveRuleAsync(null, new AlertRuleInput("failures", AlertScope.AllJobs, AlertCondition.RunFailed(), 0, null, 30,
                [AlertChannelId]));
            // The alert to acknowledge belongs to a disabled rule: the evaluator, which runs in this app, leaves it firing.
            AckRuleId = await alerts.SaveRuleAsync(null, new AlertRuleInput("ack target", AlertScope.AllJobs, AlertCondition.RunFailed(), 0, null, 30,
                [AlertChannelId]));
            await alerts.SetRuleEnabledAsync(AckRuleId, false);
        }

        await using (var scope = ActAs(UserIds[WorkspaceRole.Operator]))
        {
            ScanId = (await scope.ServiceProvider.GetRequiredService<QualityScanService>().RunScanAsync(TableId)).Id;
            SilenceId = await scope.ServiceProvider.GetRequiredService<AlertService>().AddSilenceAsync(AlertRuleId, null, TimeSpan.FromHours(1), "maintenance");
        }

        await using (var db = _database.CreateContext(WorkspaceA))
        {
            // A firing alert to acknowledge: the rule held once, with no pending time.
            var at = DateTimeOffset.UtcNow;
            var alert = new AlertInstance(WorkspaceA, AckRuleId, AlertSubject.Job(JobId, "seeded job"), at);
            alert.Observe(true, at, "seeded failure", new AlertTiming(TimeSpan.Zero, null, TimeSpan.FromSeconds(30)));
            db.Add(alert);
            await db.SaveChangesAsync();
            AlertId = alert.Id;
        }

        foreach (var (role, userId) in UserIds)
        {
            Tokens[role.ToString()] = await TokenAsync(userId, WorkspaceA, ApiScopeRules.All.Where(s => role.Includes(ApiScopeRules.RoleOf(s)))
                .Aggregate(ApiScopes.None, (a, s) => a | s));
        }

        Tokens["Other"] = await TokenAsync(OtherAdminId, WorkspaceB, ApiScopes.Read | ApiScopes.Run | ApiScopes.Write | ApiScopes.Admin);
        Tokens["Revoked"] = await TokenAsync(UserIds[WorkspaceRole.Admin], WorkspaceA, ApiScopes.Read | ApiScopes.Admin, revoke: true);
        Tokens["Expired"] = await ExpiredTokenAsync(UserIds[WorkspaceRole.Admin], WorkspaceA);

        using var client = Client("Operator");
        var started = await client.PostAsJsonAsync($"/api/v1/jobs/{JobId}/runs", new { });
        started.EnsureSuccessStatusCode();
        RunId = (await started.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("run").GetProperty("id").GetGuid();
        await WaitForFinalAsync(client, RunId);
    }

    /// <summary>A scope acting as the user, the way a signed-in request does.</summary>
    public AsyncServiceScope ActAs(string userId)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>()
            .Set(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test")));
        return scope;
    }

    /// <summary>A database SQL job on the warehouse with the given draft, created through the studio's services.</summary>
    public async Task<Guid> CreateJobAsync(IServiceProvider services, string sql)
    {
        var job = await services.GetRequiredService<JobTreeService>().CreateJobAsync("api_" + Guid.NewGuid().ToString("N")[..8], null, JobType.DatabaseSql);
        var jobs = services.GetRequiredService<JobService>();
        var detail = await jobs.GetAsync(job.Id);
        await jobs.SaveAsync(job.Id, new JobDraft(sql, DataSourceId, null, 100, new Dictionary<string, string>(), detail.Version));
        return job.Id;
    }

    public async Task<string> TokenAsync(string userId, Guid workspaceId, ApiScopes scopes, bool revoke = false)
    {
        await using var scope = ActAs(userId);
        var tokens = scope.ServiceProvider.GetRequiredService<ApiTokenService>();
        var created = await tokens.CreateAsync("test " + scopes, workspaceId, scopes, DateTimeOffset.UtcNow.AddDays(1));
        if (revoke)
        {
            await tokens.RevokeAsync(created.Info.Id);
        }

        return created.Token;
    }

    private async Task<string> ExpiredTokenAsync(string userId, Guid workspaceId)
    {
        var token = ApiTokenService.TokenPrefix + Guid.NewGuid().ToString("N");
        await using var db = _database.CreateContext();
        var now = DateTimeOffset.UtcNow;
        db.Add(new ApiToken(userId, workspaceId, "expired", ApiScopes.Read | ApiScopes.Admin, WorkspaceRole.Admin, ApiTokenService.Hash(token),
            token[..ApiToken.PrefixLength], now.AddMinutes(-1), now.AddHours(-1)));
        await db.SaveChangesAsync();
        return token;
    }

    /// <summary>An HTTP client of the app; with a principal name it sends that principal's token.</summary>
    public HttpClient Client(string? principal = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (principal is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens[principal]);
        }

        return client;
    }

    public static async Task<string> WaitForFinalAsync(HttpClient client, Guid runId)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var run = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/runs/{runId}");
            var status = run.GetProperty("run").GetProperty("status").GetString()!;
            if (status is "Finished" or "Failed" or "Canceled")
            {
                return status;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"Run {runId} still {status} after 30 s.");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    private sealed class AppFactory(string connectionString) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:AllData", connectionString);
            builder.UseSetting("ALLDATA_ADMIN_PASSWORD", "Admin-Passw0rd!");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            // Retries against a cluster a test stopped on purpose are expected: their stack traces bury the runner's report.
            builder.UseSetting("Logging:LogLevel:Polly", "None");
            builder.UseSetting("AllData:CreateDemoWarehouse", "false");
            builder.UseSetting("Flink:Jars:Directory", Path.Combine(Path.GetTempPath(), "alldata-api-jars-" + Guid.NewGuid().ToString("N")[..8]));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiHost>
{
    public const string Name = "api";
}
