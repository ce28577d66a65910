using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Tests.Fixtures;

namespace AllData.Tests.Infrastructure.Scheduling;

/// <summary>The app stops while schedules are due and starts again (a new node on the same store): nothing is lost silently.</summary>
public sealed class ScheduleRestartTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Slots_due_while_the_app_was_down_are_in_the_ledger_and_fire_once_or_are_skipped_per_the_misfire_policy()
    {
        var first = new SchedulingHost(fixture);
        await first.ActAsNewMemberAsync();
        var job = await first.PublishedJobAsync("SELECT 1");
        var fireOnce = await first.CreateScheduleAsync(job, cron: "*/3 * * * * ?", misfire: MisfirePolicy.FireOnceNow, overlap: OverlapPolicy.Allow);
        var skip = await first.CreateScheduleAsync(job, cron: "*/3 * * * * ?", misfire: MisfirePolicy.Skip, overlap: OverlapPolicy.Allow);
        var scheduler = await first.StartSchedulerAsync();
        Assert.True(await SchedulingHost.EventuallyAsync(async () => (await first.SlotsAsync(fireOnce)).Any(s => s.RunId != null), TimeSpan.FromSeconds(20)));
        // The app stops (a deploy): the scheduler shuts down and nothing fires for a while.
        await scheduler.Shutdown(true);
        var stoppedAt = DateTimeOffset.UtcNow;

        // Down for longer than the misfire threshold (5 s here) plus its grace: several slots of each schedule fall due.
        await Task.Delay(TimeSpan.FromSeconds(16));
        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = new SchedulingHost(fixture);
        await second.StartSchedulerAsync();

        // Every slot of the outage falls due and is written within a few tend passes (every 2 s in tests).
        async Task<List<ScheduleSlot>> Outage(Guid schedule) =>
            [.. (await first.SlotsAsync(schedule)).Where(s => s.LogicalTime > stoppedAt.AddSeconds(1) && s.LogicalTime < restartedAt)];
        var expected = (int)Math.Floor((restartedAt - stoppedAt).TotalSeconds / 3) - 1;
        Assert.True(await SchedulingHost.EventuallyAsync(async () => (await Outage(skip)).Count >= expected && (await Outage(fireOnce)).Count >= expected,
            TimeSpan.FromSeconds(40)), $"expected at least {expected} slots of the outage in each ledger; stopped {stoppedAt:HH:mm:ss.fff}, restarted {restartedAt:HH:mm:ss.fff}:\n"
            + string.Join("\n", (await first.SlotsAsync(fireOnce)).Concat(await first.SlotsAsync(skip)).Select(s => $"{s.ScheduleId.ToString()[^4..]} {s.LogicalTime:HH:mm:ss} {s.State} {s.Source} {s.Reason}")));
        await Task.Delay(TimeSpan.FromSeconds(5));

        var skipped = await Outage(skip);
        Assert.All(skipped, s => Assert.Equal((SlotState.Missed, SlotSource.Misfire, (Guid?)null), (s.State, s.Source, s.RunId)));
        Assert.All(skipped, s => Assert.Contains("skipped by the misfire policy", s.Reason));

        var outage = await Outage(fireOnce);
        // Exactly one slot of the outage ran (the latest of the first pass after the restart); the others are missed, with their reason.
        var ran = Assert.Single(outage, s => s.RunId != null);
        Assert.Equal(SlotSource.Misfire, ran.Source);
        Assert.All(outage.Where(s => s.RunId == null), s => Assert.Equal(SlotState.Missed, s.State));
        // No slot ran twice: a trigger Quartz recovers from the stopped node may fire an outage slot late, and the ledger
        // only counts that as a duplicate.
        await using (var db = fixture.CreateContext(first.WorkspaceId))
        {
            var runsPerSlot = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.Set<JobRun>().Where(r => r.JobId == job).GroupBy(r => new { r.ScheduleId, r.LogicalTime }).Select(g => g.Count()));
            Assert.All(runsPerSlot, count => Assert.Equal(1, count));
        }
        Assert.Equal(RunStatus.Finished, (await first.WaitForFinalAsync(ran.RunId!.Value)).Status);

        // And the schedule fires on time again.
        Assert.True(await SchedulingHost.EventuallyAsync(async () => (await first.SlotsAsync(fireOnce)).Any(s => s.Source == SlotSource.Schedule && s.LogicalTime > restartedAt.AddSeconds(3)),
            TimeSpan.FromSeconds(15)));
        await first.DisposeAsync();
    }
}
