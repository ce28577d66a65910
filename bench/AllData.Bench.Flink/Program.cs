using AllData.Infrastructure;
// Flink tracking benchmark: 5,000 jobs across 10 fake clusters, trackers at a 1 s tick.
// Measures REST requests per cluster per tick, CPU time per tick, and the delay from a state change in the fake to the
// stored and published run event. Run on demand: dotnet run -c Release --project bench/AllData.Bench.Flink
using System.Collections.Concurrent;
using System.Diagnostics;
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
using Microsoft.Extensions.Logging;

const int Clusters = 10;
const int JobsPerCluster = 500;
const int MeasuredTicks = 10;
const int Changes = 20;
var tick = TimeSpan.FromSeconds(1);

var server = PostgresServer.Instance;
var database = server.CreateDatabase("bench");
var connectionString = server.ConnectionString(database);
var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{PersistenceSetup.ConnectionName}"] = connectionString })
    .Build();
var services = new ServiceCollection()
    .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
    .AddSingleton<IConfiguration>(configuration);
services.AddAllDataInfrastructure(configuration);
services.Configure<FlinkTrackerOptions>(o => { o.Interval = tick; o.CheckpointInterval = TimeSpan.FromHours(1); });
services.AddSingleton<ICurrentUser, NoUser>();
await using var provider = services.BuildServiceProvider();
var factory = provider.GetRequiredService<IDbContextFactory<AllDataDbContext>>();
await using (var db = await factory.CreateDbContextAsync())
{
    await db.Database.MigrateAsync();
}

var now = TimeProvider.System.GetUtcNow();
var workspace = new Workspace("bench", now);
var fakes = new List<FakeFlinkCluster>();
var clusters = new List<FlinkCluster>();
var fakeJobs = new Dictionary<Guid, (FakeFlinkCluster Fake, FakeFlinkJob Job)>();
await using (var db = await factory.CreateDbContextAsync())
{
    db.Add(workspace);
    await db.SaveChangesAsync();
    db.WorkspaceId = workspace.Id;
    var job = new Job(workspace.Id, "bench_job", null, JobType.FlinkSql, "bench", now);
    db.Add(job);
    for (var c = 0; c < Clusters; c++)
    {
        var fake = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0);
        fake.JobManager.CheckAnswers = false;
        fakes.Add(fake);
        var cluster = new FlinkCluster(workspace.Id, $"cluster-{c}", fake.JobManager.BaseUrl.ToString(), null, null, now);
        clusters.Add(cluster);
        db.Add(cluster);
        for (var j = 0; j < JobsPerCluster; j++)
        {
            var fakeJob = fake.JobManager.AddJob($"job-{c}-{j}");
            var run = new JobRun(workspace.Id, job.Id, null, RunTrigger.Manual, "bench", RunEngine.FlinkSql, now);
            run.BeginFlinkSubmission(cluster.Id, now);
            run.MarkSubmitting(now);
            run.MarkRunning(now);
            run.AttachFlinkJob(fakeJob.Id);
            db.Add(run);
            fakeJobs[run.Id] = (fake, fakeJob);
        }
    }

    await db.SaveChangesAsync();
}

var supervisor = provider.GetRequiredService<FlinkTrackerSupervisor>();
var connections = provider.GetRequiredService<FlinkClusterConnections>();
var trackers = clusters.Select(c => supervisor.CreateTracker(connections.TargetOf(c))).ToList();
foreach (var t in trackers)
{
    await t.TryAcquireLockAsync(CancellationToken.None);
    await t.TickAsync(CancellationToken.None);   // warm-up: first sight of every job
}

// 1. Requests and CPU per tick: every tracker ticks once per round.
foreach (var f in fakes)
{
    f.JobManager.ResetCounts();
}

var process = Process.GetCurrentProcess();
var tickCpu = new List<double>();
var tickWall = new List<double>();
for (var i = 0; i < MeasuredTicks; i++)
{
    process.Refresh();
    var cpu = process.TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    await Task.WhenAll(trackers.Select(t => t.TickAsync(CancellationToken.None)));
    wall.Stop();
    process.Refresh();
    tickCpu.Add((process.TotalProcessorTime - cpu).TotalMilliseconds);
    tickWall.Add(wall.Elapsed.TotalMilliseconds);
}

var requestsPerClusterPerTick = fakes.Average(f => f.JobManager.TotalRequests) / MeasuredTicks;
var overviewPerClusterPerTick = fakes.Average(f => f.JobManager.RequestCount("GET /jobs/overview")) / MeasuredTicks;

// 2. Change-to-event delay with the trackers running their own 1 s loops.
var pending = new ConcurrentDictionary<Guid, long>();
var delays = new ConcurrentBag<double>();
var events = provider.GetRequiredService<ILiveEvents>();
using var subscription = events.Subscribe(e =>
{
    if (e is RunStatusChanged { Status: RunStatus.Failed } changed && pending.TryRemove(changed.RunId, out var started))
    {
        delays.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    return ValueTask.CompletedTask;
});
using var stop = new CancellationTokenSource();
var loops = trackers.Select(t => Task.Run(() => t.RunAsync(stop.Token))).ToList();
var random = new Random(42);
var runIds = fakeJobs.Keys.ToList();
for (var i = 0; i < Changes; i++)
{
    await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 1300)));
    var runId = runIds[random.Next(runIds.Count)];
    runIds.Remove(runId);
    pending[runId] = Stopwatch.GetTimestamp();
    fakeJobs[runId].Job.MoveTo(FlinkJobState.Failed, "bench");
}

var deadline = Stopwatch.StartNew();
while (!pending.IsEmpty && deadline.Elapsed < TimeSpan.FromSeconds(10))
{
    await Task.Delay(50);
}

await stop.CancelAsync();
await Task.WhenAll(loops.Select(l => l.ContinueWith(_ => { }, TaskScheduler.Default)));
var sorted = delays.Order().ToList();
double Pct(List<double> xs, double p) => xs.Count == 0 ? double.NaN : xs[Math.Min(xs.Count - 1, (int)Math.Ceiling(p * xs.Count) - 1)];

Console.WriteLine($"clusters={Clusters} jobs={Clusters * JobsPerCluster} tick={tick.TotalSeconds}s");
Console.WriteLine($"requests per cluster per tick: {requestsPerClusterPerTick:0.##} (GET /jobs/overview: {overviewPerClusterPerTick:0.##})");
Console.WriteLine($"CPU per tick (all 10 clusters, whole process incl. the fakes): avg {tickCpu.Average():0} ms, max {tickCpu.Max():0} ms; wall avg {tickWall.Average():0} ms");
Console.WriteLine($"change→event delay over {sorted.Count}/{Changes} changes: p50 {Pct(sorted, 0.5):0} ms, p95 {Pct(sorted, 0.95):0} ms, max {(sorted.Count > 0 ? sorted[^1] : double.NaN):0} ms");

foreach (var t in trackers)
{
    await t.DisposeAsync();
}

foreach (var f in fakes)
{
    await f.DisposeAsync();
}

server.DropDatabase(database);

internal sealed class NoUser : ICurrentUser
{
    public string? UserId => null;
}
