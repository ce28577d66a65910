using AllData.Infrastructure;
using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Flink;
using AllData.Infrastructure.Flink.Tracking;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fakes.Flink;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.Infrastructure.FlinkOps;

/// <summary>
/// The real infrastructure (store, runs, studio orchestrator, Flink clusters, engine, trackers) on a fresh database with a
/// fake Flink cluster on loopback, acting as an Admin of a new workspace. Background services are not started: tests
/// drive the trackers tick by tick.
/// </summary>
internal sealed class FlinkOpsHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private FlinkOpsHost(DatabaseFixture database, FakeFlinkCluster flink, ServiceProvider services)
    {
        Database = database;
        Flink = flink;
        _services = services;
    }

    public DatabaseFixture Database { get; }

    public FakeFlinkCluster Flink { get; }

    public IServiceProvider Services => _services;

    public Guid WorkspaceId { get; private set; }

    public Guid ClusterId { get; private set; }

    /// <summary>A guard against a hung test, not a speed limit: on a loaded two-core CI runner the 500-job test's setup alone took a minute.</summary>
    public CancellationToken Ct { get; } = new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;

    public static async Task<FlinkOpsHost> StartAsync(
        DatabaseFixture database, Action<FlinkTrackerOptions>? tracker = null, FakeFlinkCluster? flink = null, Action<FlinkClientOptions>? client = null)
    {
        flink ??= await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{PersistenceSetup.ConnectionName}"] = database.ConnectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAllDataInfrastructure(configuration);
        services.Configure<FlinkClientOptions>(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.MaxRetries = 1;
            o.AttemptTimeout = TimeSpan.FromSeconds(3);
            o.TotalTimeout = TimeSpan.FromSeconds(6);
            client?.Invoke(o);
        });
        services.Configure<FlinkTrackerOptions>(o =>
        {
            o.Interval = TimeSpan.FromMilliseconds(100);
            o.SavepointPollInterval = TimeSpan.FromMilliseconds(20);
            o.SavepointTimeout = TimeSpan.FromSeconds(1);
            tracker?.Invoke(o);
        });
        services.Configure<FlinkJarOptions>(o => o.Directory = Path.Combine(Path.GetTempPath(), "alldata-jars-" + Guid.NewGuid().ToString("N")[..8]));
        services.AddSingleton<TestCurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<TestCurrentUser>());
        var host = new FlinkOpsHost(database, flink, services.BuildServiceProvider());
        await host.SignInAsync();
        return host;
    }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public async Task<TResult> With<TService, TResult>(Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public ClusterTracker CreateTracker() =>
        Get<FlinkTrackerSupervisor>().CreateTracker(Get<FlinkClusterConnections>().TargetOf(LoadCluster()));

    /// <summary>A tracker on its own clock and options (for tests of its loop's timing).</summary>
    public ClusterTracker CreateTracker(TimeProvider clock, Action<FlinkTrackerOptions> options)
    {
        var o = new FlinkTrackerOptions();
        options(o);
        return new ClusterTracker(Get<FlinkClusterConnections>().TargetOf(LoadCluster()), Get<IDbContextFactory<AllDataDbContext>>(),
            Get<AdvisoryLocks>(), Get<FlinkClusterConnections>(), Get<RunRecorder>(), clock, o, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    }

    /// <summary>A Flink SQL job on the host's cluster with <paramref name="sql"/> as its draft and published version 1.</summary>
    public async Task<(Guid JobId, Guid VersionId)> CreateSqlJobAsync(string sql, Func<FlinkJobSettings, FlinkJobSettings>? settings = null, string name = "orders_enriched",
        JobType type = JobType.FlinkSql)
    {
        await using var db = Database.CreateContext(WorkspaceId);
        var at = Now;
        var job = new Job(WorkspaceId, name, null, type, "tester", at);
        job.SaveDraft(sql, job.Version, "tester", at);
        var flinkSettings = new FlinkJobSettings { ClusterId = ClusterId, Parallelism = 2, CheckpointIntervalSeconds = 30 };
        job.ChangeFlinkSettings(settings?.Invoke(flinkSettings) ?? flinkSettings, job.Version, "tester", at);
        var version = job.Publish(null, "tester", at);
        db.AddRange(job, version);
        await db.SaveChangesAsync();
        return (job.Id, version.Id);
    }

    /// <summary>A run tracking an existing fake Flink job, as the engine leaves it after submitting.</summary>
    public async Task<Guid> CreateTrackedRunAsync(Guid jobId, Guid? versionId, FakeFlinkJob flinkJob)
    {
        var recorder = Get<RunRecorder>();
        var run = await recorder.CreateAsync(new JobRun(WorkspaceId, jobId, versionId, RunTrigger.Manual, "tester", RunEngine.FlinkSql, Now), Ct);
        await recorder.TransitionAsync(run.Id, (r, at) =>
        {
            r.BeginFlinkSubmission(ClusterId, at);
            r.MarkSubmitting(at);
            r.AttachFlinkJob(flinkJob.Id);
        }, Ct);
        return run.Id;
    }

    public async Task<JobRun> RunAsync(Guid runId)
    {
        await using var db = Database.CreateContext(WorkspaceId);
        return await db.Set<JobRun>().Include(r => r.History).AsNoTracking().FirstAsync(r => r.Id == runId);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Flink.DisposeAsync();
    }

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private FlinkCluster LoadCluster()
    {
        using var db = Database.CreateContext(WorkspaceId);
        return db.Set<FlinkCluster>().AsNoTracking().First(c => c.Id == ClusterId);
    }

    private async Task SignInAsync()
    {
        var (workspaceId, userId) = await MemberSeed.CreateAsync(Database, WorkspaceRole.Admin, userNamePrefix: "admin");
        WorkspaceId = workspaceId;
        Get<TestCurrentUser>().UserId = userId;

        ClusterId = await With<FlinkClusterService, Guid>(s => s.CreateAsync(new FlinkClusterInput
        {
            Name = "fake",
            JobManagerUrl = Flink.JobManager.BaseUrl.ToString(),
            SqlGatewayUrl = Flink.SqlGateway.BaseUrl.ToString(),
            HistoryServerUrl = Flink.HistoryServer?.BaseUrl.ToString(),
        }, Ct));
    }
}
