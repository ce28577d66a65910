using AllData.Domain.Alerts;
using AllData.Infrastructure.Alerts;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Scheduling;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace AllData.Tests.Infrastructure.Scheduling;

/// <summary>The ledger and the firing rules against the real PostgreSQL, called without Quartz.</summary>
public sealed class ScheduleLedgerTests : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Slot = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly SchedulingHost _host;

    public ScheduleLedgerTests(DatabaseFixture fixture) => _host = new SchedulingHost(fixture);

    public Task InitializeAsync() => _host.ActAsNewMemberAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ScheduleFiring Firing => (ScheduleFiring)_host.Services.GetService(typeof(ScheduleFiring))!;

    [Fact]
    public async Task A_second_fire_of_the_same_slot_is_counted_and_runs_nothing()
    {
        var job = await _host.PublishedJobAsync("SELECT 1");
        var schedule = await _host.CreateScheduleAsync(job, overlap: OverlapPolicy.Allow);

        var first = await Firing.FireAsync(schedule, Slot, SlotSource.Schedule);
        var second = await Firing.FireAsync(schedule, Slot, SlotSource.Schedule);

        Assert.Equal(FireResult.Started, first.Result);
        Assert.Equal(FireResult.Duplicate, second.Result);
        var slot = Assert.Single(await _host.SlotsAsync(schedule));
        Assert.Equal(1, slot.DuplicateFires);
        await using var db = _host.Fixture.CreateContext(_host.WorkspaceId);
        Assert.Equal(1, await db.Set<JobRun>().CountAsync(r => r.JobId == job));
    }

    [Fact]
    public async Task The_database_refuses_a_second_ledger_row_for_a_slot()
    {
        var job = await _host.PublishedJobAsync("SELECT 1");
        var schedule = await _host.CreateScheduleAsync(job);
        await using var db = _host.Fixture.CreateContext(_host.WorkspaceId);
        db.Add(new ScheduleSlot(_host.WorkspaceId, schedule, Slot, SlotState.Missed, SlotSource.Misfire, null, Slot));
        await db.SaveChangesAsync();

        await using var other = _host.Fixture.CreateContext(_host.WorkspaceId);
        other.Add(new ScheduleSlot(_host.WorkspaceId, schedule, Slot, SlotState.Queued, SlotSource.Schedule, null, Slot));
        await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync());
    }

    [Fact]
    public async Task A_scheduled_run_gets_its_logical_date_as_a_variable()
    {
        var job = await _host.PublishedJobAsync("SELECT '${logical_date}'::date AS d, '${prev_logical_date_nodash}' AS p");
        var schedule = await _host.CreateScheduleAsync(job);

        var outcome = await Firing.FireAsync(schedule, Slot, SlotSource.Schedule);

        var run = await _host.WaitForFinalAsync(outcome.RunId!.Value);
        Assert.Equal(RunStatus.Finished, run.Status);
    }

    [Fact]
    public async Task An_overlapping_slot_is_skipped_with_its_reason_under_the_skip_policy()
    {
        var job = await _host.PublishedJobAsync("SELECT pg_sleep(3)");
        var schedule = await _host.CreateScheduleAsync(job, overlap: OverlapPolicy.Skip);

        var first = await Firing.FireAsync(schedule, Slot, SlotSource.Schedule);
        var second = await Firing.FireAsync(schedule, Slot.AddDays(1), SlotSource.Schedule);

        Assert.Equal(FireResult.Started, first.Result);
        Assert.Equal(FireResult.Skipped, second.Result);
        var skipped = (await _host.SlotsAsync(schedule))[1];
        Assert.Equal(SlotState.Skipped, skipped.State);
        Assert.Contains("previous run", skipped.Reason);
        await _host.WaitForFinalAsync(first.RunId!.Value);
    }

    [Fact]
    public async Task A_queued_slot_starts_when_the_previous_run_ends()
    {
        var job = await _host.PublishedJobAsync("SELECT pg_sleep(1)");
        var schedule = await _host.CreateScheduleAsync(job, overlap: OverlapPolicy.QueueOne);

        var first = await Firing.FireAsync(schedule, Slot, SlotSource.Schedule);
        var second = await Firing.FireAsync(schedule, Slot.AddDays(1), SlotSource.Schedule);
        Assert.Equal(FireResult.Waiting, second.Result);
        await _host.WaitForFinalAsync(first.RunId!.Value);

        await Firing.TendAsync();

        var slots = await _host.SlotsAsync(schedule);
        Assert.All(slots, s => Assert.Equal(SlotState.Started, s.State));
    }

    [Fact]
    public async Task A_retryable_failure_is_retried_and_a_syntax_error_is_not()
    {
        var flaky = await _host.CreateScheduleAsync(await _host.PublishedJobAsync("SELECT 1/0"), retries: 2);
        var broken = await _host.CreateScheduleAsync(await _host.PublishedJobAsync("SELEC 1"), retries: 2);
        var a = await Firing.FireAsync(flaky, Slot, SlotSource.Schedule);
        var b = await Firing.FireAsync(broken, Slot, SlotSource.Schedule);
        await _host.WaitForFinalAsync(a.RunId!.Value);
        await _host.WaitForFinalAsync(b.RunId!.Value);

        await Firing.TendAsync(); // failed runs: the flaky one waits for a retry (delay 0), the broken one fails
        await Firing.TendAsync(); // the retry starts

        var retried = Assert.Single(await _host.SlotsAsync(flaky));
        // The retry fails as fast as the first try, so it may already have been retried once more: never past 1 + 2 retries.
        Assert.InRange(retried.Attempts, 2, 3);
        Assert.NotEqual(a.RunId, retried.RunId);
        var failed = Assert.Single(await _host.SlotsAsync(broken));
        Assert.Equal(SlotState.Failed, failed.State);
        Assert.Equal(1, failed.Attempts);
    }

    [Fact]
    public async Task Slots_due_while_nothing_fired_are_written_as_missed_and_the_latest_fires_once()
    {
        var job = await _host.PublishedJobAsync("SELECT 1");
        var fireOnce = await _host.CreateScheduleAsync(job, cron: "0 * * * * ?", misfire: MisfirePolicy.FireOnceNow);
        var skip = await _host.CreateScheduleAsync(job, cron: "0 * * * * ?", misfire: MisfirePolicy.Skip);
        await using (var db = _host.Fixture.CreateContext())
        {
            // As if the app had been down for the last five minutes.
            await db.Database.ExecuteSqlRawAsync("UPDATE schedules SET active_since = now() - interval '5 minutes 30 seconds'");
        }

        await Firing.TendAsync();

        var fired = await _host.SlotsAsync(fireOnce);
        Assert.InRange(fired.Count, 5, 6);
        Assert.Equal(SlotState.Started, fired[^1].State);
        Assert.All(fired[..^1], s => Assert.Equal(SlotState.Missed, s.State));
        var skipped = await _host.SlotsAsync(skip);
        Assert.All(skipped, s => Assert.Equal(SlotState.Missed, s.State));
        Assert.Contains("misfire policy", skipped[0].Reason);
    }

    [Fact]
    public async Task A_missed_slot_is_backfilled_in_one_call_with_its_own_logical_time()
    {
        var job = await _host.PublishedJobAsync("SELECT '${logical_date}'::date");
        var schedule = await _host.CreateScheduleAsync(job, cron: "0 * * * * ?", misfire: MisfirePolicy.Skip);
        await using (var db = _host.Fixture.CreateContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE schedules SET active_since = now() - interval '2 minutes 30 seconds' WHERE id = {schedule}");
        }

        await Firing.TendAsync();
        var missed = (await _host.SlotsAsync(schedule))[0];

        var outcome = await _host.With<ScheduleService, FireOutcome>(s => s.BackfillSlotAsync(schedule, missed.Id));

        Assert.Equal(FireResult.Started, outcome.Result);
        var slot = (await _host.SlotsAsync(schedule)).Single(s => s.Id == missed.Id);
        Assert.Equal(SlotSource.Backfill, slot.Source);
        Assert.Equal(RunStatus.Finished, (await _host.WaitForFinalAsync(slot.RunId!.Value)).Status);
    }

    [Fact]
    public async Task A_due_slot_already_run_by_hand_is_not_missed_nor_fired_again_as_a_duplicate()
    {
        var job = await _host.PublishedJobAsync("SELECT 1");
        var schedule = await _host.CreateScheduleAsync(job, cron: "0 * * * * ?", misfire: MisfirePolicy.FireOnceNow);
        await using (var db = _host.Fixture.CreateContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE schedules SET active_since = now() - interval '3 minutes 30 seconds' WHERE id = {schedule}");
        }

        // The latest slot that fell due (past the misfire threshold) was run by hand before the scheduler looked.
        var now = DateTimeOffset.UtcNow;
        if (now.Second is >= 8 and < 14)
        {
            // Too close to the moment this minute's slot passes the misfire threshold (5 s) and its grace (5 s).
            await Task.Delay(TimeSpan.FromSeconds(15 - now.Second));
            now = DateTimeOffset.UtcNow;
        }

        var latestDue = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(now.Second >= 14 ? 0 : -1);
        var byHand = await _host.With<ScheduleService, FireOutcome>(s => s.RunNowAsync(schedule, latestDue));
        await _host.WaitForFinalAsync(byHand.RunId!.Value);

        await Firing.TendAsync();

        var slots = await _host.SlotsAsync(schedule);
        var manual = Assert.Single(slots, s => s.LogicalTime == latestDue);
        Assert.Equal((SlotSource.RunNow, SlotState.Started, 0), (manual.Source, manual.State, manual.DuplicateFires));
        Assert.All(slots, s => Assert.Equal(0, s.DuplicateFires));
        // With the latest due slot taken, the one before it fired (the misfire policy fires the latest missed one).
        var before = slots.Single(s => s.LogicalTime == latestDue.AddMinutes(-1));
        Assert.Equal((SlotSource.Misfire, SlotState.Started), (before.Source, before.State));
    }

    [Fact]
    public async Task A_missed_slot_fires_a_schedule_missed_alert_that_resolves_once_the_slot_is_run()
    {
        var job = await _host.PublishedJobAsync("SELECT 1");
        var schedule = await _host.CreateScheduleAsync(job, cron: "0 * * * * ?", misfire: MisfirePolicy.Skip, name: "every-minute");
        await using (var db = _host.Fixture.CreateContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE schedules SET active_since = now() - interval '2 minutes 30 seconds' WHERE id = {schedule}");
        }

        await Firing.TendAsync();
        var channel = await _host.With<AlertService, Guid>(a => a.SaveChannelAsync(null, new AlertChannelInput("hook", AlertChannelKind.Webhook,
            new AlertChannelSettings(), "http://127.0.0.1:9/hook", null, null)));
        var rule = await _host.With<AlertService, Guid>(a => a.SaveRuleAsync(null, new AlertRuleInput("missed", AlertScope.AllJobs,
            new AlertCondition(AlertConditionKind.ScheduleMissed), 0, null, 30, [channel])));
        var evaluator = (AlertEvaluator)_host.Services.GetService(typeof(AlertEvaluator))!;

        await evaluator.EvaluateAsync();
        AlertInstance alert;
        await using (var db = _host.Fixture.CreateContext(_host.WorkspaceId))
        {
            alert = await db.Set<AlertInstance>().AsNoTracking().SingleAsync(i => i.RuleId == rule);
        }

        Assert.Equal((AlertState.Firing, $"schedule:{schedule}"), (alert.State, alert.SubjectKey));
        Assert.Contains("missed", alert.Reason);

        foreach (var missed in (await _host.SlotsAsync(schedule)).Where(s => s.State == SlotState.Missed))
        {
            await _host.With<ScheduleService, FireOutcome>(s => s.BackfillSlotAsync(schedule, missed.Id));
        }

        await evaluator.EvaluateAsync();
        await using (var db = _host.Fixture.CreateContext(_host.WorkspaceId))
        {
            Assert.Equal(AlertState.Resolved, (await db.Set<AlertInstance>().AsNoTracking().SingleAsync(i => i.Id == alert.Id)).State);
        }
    }
}
