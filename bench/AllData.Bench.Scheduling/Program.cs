using System.Diagnostics;
using System.Globalization;
using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Scheduling;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using JobType = AllData.Domain.Jobs.JobType;
using OverlapPolicy = AllData.Domain.Scheduling.OverlapPolicy;

// Scheduling benchmark (issue 11): firings per second on one node, punctuality (start delay = when the slot's ledger row
// was written minus its logical time), and 4,000 triggers due within one minute on two clustered nodes: duplicates and
// lost slots. Every fire starts a real run (SELECT 1 on a PostgreSQL source), as in the product.
var burst = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var spread = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4000;
var clock = TimeProvider.System;
var server = PostgresServer.Instance;
var store = server.CreateDatabase("schedbench");
var source = server.CreateDatabase("schedsrc");

Node NewNode() => new(server.ConnectionString(store));

await using var a = NewNode();
await using var b = NewNode();
await using (var db = await a.Services.GetRequiredService<IDbContextFactory<AllDataDbContext>>().CreateDbContextAsync())
{
    await db.Database.MigrateAsync();
    var workspace = new Workspace("Bench", clock.GetUtcNow());
    var user = new AppUser { UserName = "bench", NormalizedUserName = "BENCH", CurrentWorkspaceId = workspace.Id };
    db.Workspaces.Add(workspace);
    db.Users.Add(user);
    await db.SaveChangesAsync();
    db.WorkspaceMembers.Add(new WorkspaceMember(workspace.Id, user.Id, WorkspaceRole.Admin, clock.GetUtcNow()));
    await db.SaveChangesAsync();
    a.User.UserId = b.User.UserId = user.Id;
}

var sourceId = (await a.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(new DataSourceInput
{
    Name = "bench-source", Host = "127.0.0.1", Port = server.Port, Database = source, UserName = PostgresServer.SuperUser,
    Password = PostgresServer.SuperPassword, SslMode = DataSourceSslMode.Disable,
}))).Id;
var job = await a.With<JobTreeService, JobNode>(s => s.CreateJobAsync("bench-job", null, JobType.DatabaseSql));
await a.With<JobService, JobDetail>(s => s.SaveAsync(job.Id, new JobDraft("SELECT 1", sourceId, null, 100, new Dictionary<string, string>(), 1)));
await a.With<JobVersionService, JobVersionSummary>(s => s.PublishAsync(job.Id, "bench"));

Console.WriteLine($"# Scheduling benchmark, {clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {Load()}");

// 1. One node: a burst of triggers due in the same second.
var dueA = clock.GetUtcNow().AddSeconds(20 + (burst / 40));
var burstIds = await CreateAsync(a, burst, i => dueA);
var schedulerA = await a.SchedulerAsync();
await schedulerA.Start();
var one = await MeasureAsync(a, burstIds, burst, TimeSpan.FromMinutes(5));
await schedulerA.Standby();
Console.WriteLine($"one node, {burst} due at once: {one.Started} started, {one.Missed} missed, {one.Duplicates} duplicate fires; "
                  + $"last started {one.Span.TotalSeconds:0.0} s after the slot => {burst / Math.Max(one.Span.TotalSeconds, 0.001):0} firings/s; "
                  + $"start delay p50 {one.P50:0} ms, p99 {one.P99:0} ms");
await DeleteAsync(a, burstIds);

// 2. Two clustered nodes: triggers due spread over one minute (a steady rate), then duplicates and lost slots.
var firstDue = clock.GetUtcNow().AddSeconds(30 + (spread / 40));
firstDue = firstDue.AddTicks(-(firstDue.UtcTicks % TimeSpan.TicksPerSecond));
var spreadIds = await CreateAsync(a, spread, i => firstDue.AddSeconds(i % 60));
await schedulerA.Start();
var schedulerB = await b.SchedulerAsync();
await schedulerB.Start();
var two = await MeasureAsync(a, spreadIds, spread, TimeSpan.FromMinutes(6));
await schedulerA.Standby();
await schedulerB.Standby();
Console.WriteLine($"two nodes, {spread} due within one minute: {two.Started} started, {two.Missed} missed, {spread - two.Slots} lost (no ledger row), "
                  + $"{two.Duplicates} duplicate fires, {two.Runs} runs; start delay p50 {two.P50:0} ms, p99 {two.P99:0} ms, max {two.Max:0} ms");

await schedulerA.Shutdown(false);
await schedulerB.Shutdown(false);
server.DropDatabase(store);
server.DropDatabase(source);
return;

static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

async Task<List<Guid>> CreateAsync(Node node, int count, Func<int, DateTimeOffset> due)
{
    var watch = Stopwatch.StartNew();
    var ids = new List<Guid>(count);
    for (var i = 0; i < count; i++)
    {
        var at = due(i);
        ids.Add(await node.With<ScheduleService, Guid>(s => s.CreateAsync(new ScheduleInput
        {
            Name = $"bench-{Guid.NewGuid():N}", JobId = job.Id, Cron = $"{at.Second} {at.Minute} {at.Hour} {at.Day} {at.Month} ? {at.Year}",
            Overlap = OverlapPolicy.Allow, TimeZoneId = "UTC",
        })));
    }

    Console.WriteLine($"created {count} schedules in {watch.Elapsed.TotalSeconds:0.0} s");
    return ids;
}

async Task DeleteAsync(Node node, List<Guid> ids)
{
    foreach (var id in ids)
    {
        await node.With<ScheduleService>(s => s.DeleteAsync(id));
    }
}

async Task<Result> MeasureAsync(Node node, List<Guid> ids, int expected, TimeSpan within)
{
    var watch = Stopwatch.StartNew();
    List<ScheduleSlot> slots = [];
    while (watch.Elapsed < within)
    {
        await Task.Delay(1000);
        await using var db = await node.Services.GetRequiredService<IDbContextFactory<AllDataDbContext>>().CreateDbContextAsync();
        slots = await db.Set<ScheduleSlot>().IgnoreQueryFilters().AsNoTracking().Where(s => ids.Contains(s.ScheduleId)).ToListAsync();
        if (slots.Count >= expected && slots.All(s => s.State is not SlotState.Queued))
        {
            break;
        }
    }

    await using var check = await node.Services.GetRequiredService<IDbContextFactory<AllDataDbContext>>().CreateDbContextAsync();
    var runs = await check.Set<JobRun>().IgnoreQueryFilters().CountAsync(r => r.ScheduleId != null && ids.Contains(r.ScheduleId.Value));
    var delays = slots.Where(s => s.State == SlotState.Started).Select(s => (s.CreatedAt - s.LogicalTime).TotalMilliseconds).Order().ToList();
    double Pct(double p) => delays.Count == 0 ? double.NaN : delays[Math.Min(delays.Count - 1, (int)Math.Ceiling(p * delays.Count) - 1)];
    var span = slots.Count == 0 ? TimeSpan.Zero : slots.Max(s => s.CreatedAt) - slots.Min(s => s.LogicalTime);
    return new Result(slots.Count, delays.Count, slots.Count(s => s.State == SlotState.Missed), slots.Sum(s => s.DuplicateFires), runs, span,
        Pct(0.5), Pct(0.99), delays.Count == 0 ? double.NaN : delays[^1]);
}

internal sealed record Result(int Slots, int Started, int Missed, int Duplicates, int Runs, TimeSpan Span, double P50, double P99, double Max);
