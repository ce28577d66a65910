using AllData.Domain.Scheduling;
using AllData.Infrastructure.Scheduling;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace AllData.Tests.Infrastructure.Scheduling;

/// <summary>Two scheduler nodes (two containers, as two app instances) on one database.</summary>
public sealed class ClusteredSchedulerTests : IClassFixture<DatabaseFixture>
{
    private readonly DatabaseFixture _fixture;

    public ClusteredSchedulerTests(DatabaseFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Two_clustered_nodes_fire_each_slot_exactly_once()
    {
        await using var a = new SchedulingHost(_fixture);
        await using var b = new SchedulingHost(_fixture);
        await a.ActAsNewMemberAsync();
        var job = await a.PublishedJobAsync("SELECT 1");
        List<Guid> schedules = [];
        for (var i = 0; i < 8; i++)
        {
            schedules.Add(await a.CreateScheduleAsync(job, cron: "*/2 * * * * ?", overlap: OverlapPolicy.Allow));
        }

        var schedulerA = await a.StartSchedulerAsync();
        var schedulerB = await b.StartSchedulerAsync();
        Assert.NotEqual(schedulerA.SchedulerInstanceId, schedulerB.SchedulerInstanceId);

        var fired = await SchedulingHost.EventuallyAsync(async () =>
        {
            foreach (var id in schedules)
            {
                if ((await a.SlotsAsync(id)).Count(s => s.State == SlotState.Started) < 3)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(40));
        await schedulerA.Standby();
        await schedulerB.Standby();

        Assert.True(fired, "every schedule fired at least 3 slots");
        await using var db = _fixture.CreateContext(a.WorkspaceId);
        var slots = await db.Set<ScheduleSlot>().AsNoTracking().Where(s => schedules.Contains(s.ScheduleId)).ToListAsync();
        Assert.Equal(0, slots.Sum(s => s.DuplicateFires));
        var started = slots.Where(s => s.State == SlotState.Started).ToList();
        Assert.Equal(started.Count, started.Select(s => s.RunId).Distinct().Count());
        Assert.All(slots, s => Assert.Equal(0, s.LogicalTime.Second % 2));
        var nodes = await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM qrtz_scheduler_state WHERE sched_name = 'AllData'").SingleAsync();
        Assert.Equal(2, nodes);
    }
}

/// <summary>Two nodes on a database of their own: a burst of triggers due at once.</summary>
public sealed class ClusteredBurstTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly DatabaseFixture _fixture = fixture;

    [Fact]
    public async Task Two_hundred_triggers_due_in_the_same_second_on_two_nodes_make_exactly_two_hundred_runs()
    {
        var settings = new Dictionary<string, string?> { ["Scheduling:MisfireThreshold"] = "00:01:00", ["Scheduling:TendInterval"] = "00:00:05" };
        await using var a = new SchedulingHost(_fixture, settings);
        await using var b = new SchedulingHost(_fixture, settings);
        await a.ActAsNewMemberAsync();
        var job = await a.PublishedJobAsync("SELECT 1");
        var due = TimeProvider.System.GetUtcNow().AddSeconds(25);
        var cron = $"{due.Second} {due.Minute} {due.Hour} * * ?";
        var schedules = new List<Guid>();
        for (var i = 0; i < 200; i++)
        {
            schedules.Add(await a.CreateScheduleAsync(job, cron: cron, overlap: OverlapPolicy.Allow));
        }

        Assert.True(TimeProvider.System.GetUtcNow() < due.AddSeconds(-2), "the schedules were created before they were due");
        var schedulerA = await a.StartSchedulerAsync();
        var schedulerB = await b.StartSchedulerAsync();

        async Task<List<ScheduleSlot>> SlotsAsync()
        {
            await using var db = _fixture.CreateContext(a.WorkspaceId);
            return await db.Set<ScheduleSlot>().AsNoTracking().Where(s => schedules.Contains(s.ScheduleId)).ToListAsync();
        }

        var all = await SchedulingHost.EventuallyAsync(async () => (await SlotsAsync()).Count(s => s.State == SlotState.Started) == 200, TimeSpan.FromSeconds(90));
        await schedulerA.Standby();
        await schedulerB.Standby();

        var slots = await SlotsAsync();
        Assert.True(all, $"{slots.Count(s => s.State == SlotState.Started)} of 200 slots started; states: {string.Join(", ", slots.GroupBy(s => s.State).Select(g => $"{g.Key} {g.Count()}"))}");
        Assert.Equal(200, slots.Count);
        Assert.All(slots, s => Assert.Equal(due.ToUnixTimeSeconds(), s.LogicalTime.ToUnixTimeSeconds()));
        Assert.Equal(0, slots.Sum(s => s.DuplicateFires));
        await using var check = _fixture.CreateContext(a.WorkspaceId);
        var runs = await check.Set<AllData.Domain.Operations.JobRun>().AsNoTracking().Where(r => r.ScheduleId != null && schedules.Contains(r.ScheduleId.Value)).CountAsync();
        Assert.Equal(200, runs);
        Assert.Equal(200, slots.Select(s => s.RunId).Distinct().Count());
    }
}

/// <summary>Two nodes on a database of their own: one dies, the other takes over.</summary>
public sealed class ClusteredTakeoverTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly DatabaseFixture _fixture = fixture;

    [Fact]
    public async Task When_a_node_dies_the_other_recovers_it_and_keeps_firing_its_schedules_within_twenty_seconds()
    {
        await using var a = new SchedulingHost(_fixture);
        await using var b = new SchedulingHost(_fixture);
        await a.ActAsNewMemberAsync();
        var job = await a.PublishedJobAsync("SELECT 1");
        List<Guid> schedules = [];
        for (var i = 0; i < 4; i++)
        {
            schedules.Add(await a.CreateScheduleAsync(job, cron: "*/2 * * * * ?", overlap: OverlapPolicy.Allow));
        }

        var schedulerA = await a.StartSchedulerAsync();
        var deadA = schedulerA.SchedulerInstanceId;
        Assert.True(await SchedulingHost.EventuallyAsync(async () =>
        {
            foreach (var id in schedules)
            {
                if ((await a.SlotsAsync(id)).Count(s => s.State == SlotState.Started) < 2)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30)), "node A fired every schedule");

        // A stops without a goodbye: its row in the cluster stays until a surviving node finds its check-in stale.
        await schedulerA.Shutdown(false);
        var died = TimeProvider.System.GetUtcNow();
        var schedulerB = await b.StartSchedulerAsync();
        var took = System.Diagnostics.Stopwatch.StartNew();
        var resumed = await SchedulingHost.EventuallyAsync(async () =>
        {
            foreach (var id in schedules)
            {
                if (!(await a.SlotsAsync(id)).Any(s => s.State == SlotState.Started && s.LogicalTime > died))
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(20));
        Assert.True(resumed, "node B fired every schedule after A died");
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(20));

        await using var db = _fixture.CreateContext(a.WorkspaceId);
        Assert.True(await SchedulingHost.EventuallyAsync(async () =>
            await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM qrtz_scheduler_state WHERE sched_name = 'AllData' AND instance_name = {0}", deadA).SingleAsync() == 0,
            TimeSpan.FromSeconds(20)), "node B recovered the dead node's state");
        await schedulerB.Standby();
        var slots = await db.Set<ScheduleSlot>().AsNoTracking().Where(s => schedules.Contains(s.ScheduleId)).ToListAsync();
        Assert.Equal(0, slots.Sum(s => s.DuplicateFires));
        var started = slots.Where(s => s.State == SlotState.Started).ToList();
        Assert.Equal(started.Count, started.Select(s => s.RunId).Distinct().Count());
    }
}
