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
