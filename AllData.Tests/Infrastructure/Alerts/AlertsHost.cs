using System.Collections.Concurrent;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure;
using AllData.Infrastructure.Alerts;
using AllData.Infrastructure.Identity;
using AllData.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AllData.Tests.Infrastructure.Alerts;

/// <summary>A clock the test moves.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>
/// Two app instances' worth of infrastructure services (each its own evaluator and dispatcher) on one fresh database,
/// with one clock the test controls, and a Developer of one workspace to act as.
/// </summary>
public sealed class AlertsHost : IAsyncLifetime
{
    public DatabaseFixture Database { get; } = new();

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public ServiceProvider First { get; private set; } = default!;

    public ServiceProvider Second { get; private set; } = default!;

    public Guid WorkspaceId { get; private set; }

    public string UserId { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        (WorkspaceId, UserId) = await MemberSeed.CreateAsync(Database, WorkspaceRole.Developer);
        First = Build();
        Second = Build();
    }

    private ServiceProvider Build()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:AllData"] = Database.ConnectionString,
            ["Alerts:EventSettleSeconds"] = "0",
            ["Alerts:PublicBaseUrl"] = "http://alldata.test/",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpContextAccessor();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAllDataInfrastructure(configuration);
        services.AddSingleton<TimeProvider>(Clock);
        services.AddScoped<TestCurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<TestCurrentUser>());
        return services.BuildServiceProvider();
    }

    internal static AlertService Alerts(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<AlertService>();

    public AsyncServiceScope Scope(ServiceProvider? provider = null)
    {
        var scope = (provider ?? First).CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TestCurrentUser>().UserId = UserId;
        return scope;
    }

    internal AlertEvaluator Evaluator(ServiceProvider? provider = null) => (provider ?? First).GetRequiredService<AlertEvaluator>();

    internal AlertDispatcher Dispatcher(ServiceProvider? provider = null) => (provider ?? First).GetRequiredService<AlertDispatcher>();

    public async Task<Guid> CreateJobAsync(string name)
    {
        await using var db = Database.CreateContext(WorkspaceId);
        var job = new Job(WorkspaceId, name, null, JobType.DatabaseSql, "ann", Clock.GetUtcNow());
        db.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    /// <summary>A run of the job that ends failed (or finished), stored with its status history as the orchestrator stores it.</summary>
    public async Task<Guid> RunAsync(Guid jobId, bool fail, string error = "division by zero")
    {
        await using var db = Database.CreateContext(WorkspaceId);
        var at = Clock.GetUtcNow();
        var run = new JobRun(WorkspaceId, jobId, null, RunTrigger.Manual, "ann", RunEngine.DatabaseSql, at);
        run.MarkSubmitting(at);
        run.MarkRunning(at);
        if (fail)
        {
            run.MarkFailed(at, error);
        }
        else
        {
            run.MarkFinished(at);
        }

        db.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>One request a receiver got.</summary>
public sealed record ReceivedRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>A local HTTP endpoint on 127.0.0.1 (Kestrel) that records what it is sent and answers as the test says.</summary>
public sealed class HttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>What to answer to the n-th request (0-based): status and body.</summary>
    public Func<int, (int Status, string Body)> Answer { get; set; } = _ => (200, "{\"errcode\":0,\"errmsg\":\"ok\",\"code\":0}");

    public string Url { get; private set; } = string.Empty;

    public static async Task<HttpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new HttpReceiver(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var index = receiver.Requests.Count;
            receiver.Requests.Enqueue(new ReceivedRequest(context.Request.Path, context.Request.QueryString.Value ?? string.Empty,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            var (status, answer) = receiver.Answer(index);
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(answer);
        });
        await app.StartAsync();
        receiver.Url = app.Urls.First();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
