using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Scheduling;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;
using AllData.Tests.Infrastructure.Studio;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using OverlapPolicy = AllData.Domain.Scheduling.OverlapPolicy;

namespace AllData.Tests.Infrastructure.Scheduling;

/// <summary>
/// One AllData node's scheduling services (persistence, studio, the clustered Quartz scheduler) on a shared test
/// database. Two hosts on one database are two cluster nodes. The scheduler is built but started only on request.
/// </summary>
internal sealed class SchedulingHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public SchedulingHost(DatabaseFixture fixture, IDictionary<string, string?>? settings = null)
    {
        Fixture = fixture;
        var values = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{PersistenceSetup.ConnectionName}"] = fixture.ConnectionString,
            ["Scheduling:CheckinInterval"] = "00:00:02",
            ["Scheduling:CheckinMisfireThreshold"] = "00:00:03",
            ["Scheduling:MisfireThreshold"] = "00:00:05",
            ["Scheduling:TendInterval"] = "00:00:02",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAllDataInfrastructure(configuration);
        services.AddSingleton<TestCurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<TestCurrentUser>());
        _services = services.BuildServiceProvider();
        Studio = new StudioHostView(this);
    }

    public DatabaseFixture Fixture { get; }

    public IServiceProvider Services => _services;

    public Guid WorkspaceId { get; private set; }

    public StudioHostView Studio { get; }

    public async Task<IScheduler> StartSchedulerAsync()
    {
        var scheduler = await _services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Start();
        return scheduler;
    }

    public async Task ActAsNewMemberAsync(WorkspaceRole role = WorkspaceRole.Admin, Guid? workspaceId = null)
    {
        var (workspace, userId) = await MemberSeed.CreateAsync(Fixture, role, workspaceId);
        _services.GetRequiredService<TestCurrentUser>().UserId = userId;
        WorkspaceId = workspace;
    }

    public async Task<TResult> With<TService, TResult>(Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task With<TService>(Func<TService, Task> action)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>A published Database SQL job running <paramref name="sql"/> on a fresh source database.</summary>
    public async Task<Guid> PublishedJobAsync(string sql)
    {
        var (sourceId, _) = await Studio.RegisterSourceAsync();
        var jobId = await Studio.CreateJobAsync(sql, sourceId);
        await With<JobVersionService>(s => s.PublishAsync(jobId, "v1"));
        return jobId;
    }

    public Task<Guid> CreateScheduleAsync(Guid jobId, string cron = "0 0 2 * * ?", OverlapPolicy overlap = OverlapPolicy.Skip,
        MisfirePolicy misfire = MisfirePolicy.FireOnceNow, int retries = 0, string? name = null) =>
        With<ScheduleService, Guid>(s => s.CreateAsync(new ScheduleInput
        {
            Name = name ?? "s-" + Guid.NewGuid().ToString("N")[..8],
            JobId = jobId,
            Cron = cron,
            Overlap = overlap,
            Misfire = misfire,
            RetryCount = retries,
            RetryDelaySeconds = 0,
        }));

    public async Task<List<ScheduleSlot>> SlotsAsync(Guid scheduleId)
    {
        await using var db = Fixture.CreateContext(WorkspaceId);
        return await db.Set<ScheduleSlot>().AsNoTracking().Where(s => s.ScheduleId == scheduleId).OrderBy(s => s.LogicalTime).ToListAsync();
    }

    public async Task<JobRun> WaitForFinalAsync(Guid runId)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var db = Fixture.CreateContext(WorkspaceId);
            var run = await db.Set<JobRun>().AsNoTracking().FirstAsync(r => r.Id == runId);
            if (run.IsFinal || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                return run;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var scheduler = await _services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            if (scheduler.Status is not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown))
            {
                await scheduler.Shutdown(true);
            }
        }
        catch (SchedulerException)
        {
            // The test shut this node down already (a node that died).
        }

        await _services.DisposeAsync();
    }

    /// <summary>The studio helpers (data source, job) over this host's services.</summary>
    internal sealed class StudioHostView(SchedulingHost host)
    {
        public async Task<(Guid DataSourceId, string Database)> RegisterSourceAsync()
        {
            var name = host.Fixture.Server.CreateDatabase("schedsrc");
            var created = await host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(new DataSourceInput
            {
                Name = "src-" + name[^8..],
                Host = "127.0.0.1",
                Port = host.Fixture.Server.Port,
                Database = name,
                UserName = PostgresServer.SuperUser,
                Password = PostgresServer.SuperPassword,
                SslMode = DataSourceSslMode.Disable,
            }));
            return (created.Id, name);
        }

        public async Task<Guid> CreateJobAsync(string sql, Guid? dataSourceId)
        {
            var node = await host.With<JobTreeService, JobNode>(s => s.CreateJobAsync("job-" + Guid.NewGuid().ToString("N")[..8], null, AllData.Domain.Jobs.JobType.DatabaseSql));
            await host.With<JobService, JobDetail>(s => s.SaveAsync(node.Id, new JobDraft(sql, dataSourceId, null, 100, new Dictionary<string, string>(), 1)));
            return node.Id;
        }
    }
}
