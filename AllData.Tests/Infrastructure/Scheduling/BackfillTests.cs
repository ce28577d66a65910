using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Scheduling;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace AllData.Tests.Infrastructure.Scheduling;

/// <summary>Backfills against the real PostgreSQL: the preview is the plan, the parallelism holds, pause and cancel stop it.</summary>
public sealed class BackfillTests : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Day1 = new(2026, 11, 1);
    private readonly SchedulingHost _host;

    public BackfillTests(DatabaseFixture fixture) => _host = new SchedulingHost(fixture);

    public Task InitializeAsync() => _host.ActAsNewMemberAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ScheduleFiring Firing => (ScheduleFiring)_host.Services.GetService(typeof(ScheduleFiring))!;

    private BackfillPump Pump => (BackfillPump)_host.Services.GetService(typeof(BackfillPump))!;

    private static DateTimeOffset At2(DateOnly day) => new(day.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero);

    private static BackfillRequest Days(int days, int parallelism = 1, BackfillMode mode = BackfillMode.Missing, BackfillOrder order = BackfillOrder.OldestFirst,
        bool downstream = false) => new(Day1, Day1.AddDays(days - 1), parallelism, order, mode, downstream);

    private Task<BackfillPreview> PreviewAsync(Guid schedule, BackfillRequest request) =>
        _host.With<BackfillService, BackfillPreview>(s => s.PreviewAsync(schedule, request));

    private Task<Guid> CreateAsync(Guid schedule, BackfillRequest request) => _host.With<BackfillService, Guid>(s => s.CreateAsync(schedule, request));

    private Task<BackfillRow> GetAsync(Guid backfill) => _host.With<BackfillService, BackfillRow>(s => s.GetAsync(backfill));

    private Task<IReadOnlyList<BackfillItemRow>> ItemsAsync(Guid backfill) => _host.With<BackfillService, IReadOnlyList<BackfillItemRow>>(s => s.ItemsAsync(backfill));

    /// <summary>Pumps until the backfill has ended (or the time is up); returns its last row.</summary>
    private async Task<BackfillRow> PumpToEndAsync(Guid backfill, TimeSpan within)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            await Pump.PumpAsync();
            var row = await GetAsync(backfill);
            if (row.State is BackfillState.Finished or BackfillState.Canceled)
            {
                return row;
            }

            await Task.Delay(50);
        }

        return await GetAsync(backfill);
    }

    [Fact]
    public async Task Preview_lists_every_slot_with_its_standing_and_the_backfill_runs_exactly_the_previewed_slots_in_order()
    {
        // Fails on the 3rd only, so that the ledger holds one success (2nd), one failure (3rd) and one missed slot (4th).
        var job = await _host.PublishedJobAsync("SELECT CASE WHEN '${logical_date}' = '2026-11-03' THEN 1 / 0 ELSE 1 END");
        var calendar = await _host.With<ScheduleService, Guid>(s => s.SaveCalendarAsync(null, "holidays", [Day1.AddDays(4)]));
        var schedule = await _host.With<ScheduleService, Guid>(s => s.CreateAsync(new ScheduleInput
        {
            Name = "daily", JobId = job, Cron = "0 0 2 * * ?", CalendarId = calendar,
        }));
        var ok = await Firing.FireAsync(schedule, At2(Day1.AddDays(1)), SlotSource.RunNow);
        Assert.Equal(RunStatus.Finished, (await _host.WaitForFinalAsync(ok.RunId!.Value)).Status);
        var bad = await Firing.FireAsync(schedule, At2(Day1.AddDays(2)), SlotSource.RunNow);
        Assert.Equal(RunStatus.Failed, (await _host.WaitForFinalAsync(bad.RunId!.Value)).Status);
        await using (var db = _host.Fixture.CreateContext(_host.WorkspaceId))
        {
            db.Add(new ScheduleSlot(_host.WorkspaceId, schedule, At2(Day1.AddDays(3)), SlotState.Missed, SlotSource.Misfire, "the app was down", DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }

        var missing = await PreviewAsync(schedule, Days(6));
        Assert.Equal(
            [
                (Day1, ExistingSlot.None, (BackfillExclusion?)null),
                (Day1.AddDays(1), ExistingSlot.Succeeded, BackfillExclusion.Succeeded),
                (Day1.AddDays(2), ExistingSlot.Failed, BackfillExclusion.Failed),
                (Day1.AddDays(3), ExistingSlot.Missed, null),
                (Day1.AddDays(4), ExistingSlot.None, BackfillExclusion.Holiday),
                (Day1.AddDays(5), ExistingSlot.None, null),
            ],
            missing.Slots.Select(s => (s.Date, s.Existing, s.Exclusion)));
        Assert.Equal(3, missing.ToRun);
        Assert.Equal(RunStatus.Failed, missing.Slots[2].RunStatus);

        Assert.Equal([Day1, Day1.AddDays(2), Day1.AddDays(3), Day1.AddDays(5)],
            (await PreviewAsync(schedule, Days(6, mode: BackfillMode.MissingAndFailed))).Slots.Where(s => s.WillRun).Select(s => s.Date));
        var all = await PreviewAsync(schedule, Days(6, mode: BackfillMode.All, order: BackfillOrder.NewestFirst));
        Assert.Equal([Day1.AddDays(5), Day1.AddDays(3), Day1.AddDays(2), Day1.AddDays(1), Day1],
            all.Slots.Where(s => s.WillRun).OrderBy(s => s.Sequence).Select(s => s.Date));

        var preview = await PreviewAsync(schedule, Days(6, mode: BackfillMode.MissingAndFailed, parallelism: 2));
        var backfill = await CreateAsync(schedule, Days(6, mode: BackfillMode.MissingAndFailed, parallelism: 2));
        Assert.Equal(preview.Slots.Where(s => s.WillRun).Select(s => (s.Sequence!.Value, s.ScheduleId, s.LogicalTime)),
            (await ItemsAsync(backfill)).Select(i => (i.Sequence, i.ScheduleId, i.LogicalTime)));
        // Planned slots are taken: a second backfill of the range would plan only the one slot left (the succeeded 2nd, reprocessed).
        Assert.Equal([Day1.AddDays(1)], (await PreviewAsync(schedule, Days(6, mode: BackfillMode.All))).Slots.Where(s => s.WillRun).Select(s => s.Date));

        var done = await PumpToEndAsync(backfill, TimeSpan.FromSeconds(60));
        Assert.Equal(BackfillState.Finished, done.State);
        // The 3rd fails again (the data of that date is still bad); the others succeed.
        Assert.True((3, 1, 4) == (done.Succeeded, done.Failed, done.Items), string.Join("\n", (await ItemsAsync(backfill)).Select(i => $"{i.LogicalTime} {i.State} {i.RunStatus} {i.Reason}")));
        var slots = await _host.SlotsAsync(schedule);
        Assert.Equal(5, slots.Count);
        Assert.All(slots.Where(s => s.LogicalTime != At2(Day1.AddDays(1))), s => Assert.Equal(SlotSource.Backfill, s.Source));
    }

    [Fact]
    public async Task Parallelism_two_never_has_three_running_even_with_two_nodes_pumping()
    {
        var job = await _host.PublishedJobAsync("SELECT pg_sleep(0.7)");
        var schedule = await _host.CreateScheduleAsync(job);
        var backfill = await CreateAsync(schedule, Days(7, parallelism: 2));
        await using var second = new SchedulingHost(_host.Fixture);
        var otherPump = (BackfillPump)second.Services.GetService(typeof(BackfillPump))!;

        var most = 0;
        var seenTwo = false;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var db = _host.Fixture.CreateContext(_host.WorkspaceId);
                var running = await db.Set<JobRun>().CountAsync(r => r.JobId == job && r.Status != RunStatus.Finished && r.Status != RunStatus.Failed
                                                                     && r.Status != RunStatus.Canceled);
                most = Math.Max(most, running);
                seenTwo |= running == 2;
                await Task.Delay(10);
            }
        });
        var racing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await otherPump.PumpAsync();
                await Task.Delay(7);
            }
        });

        var done = await PumpToEndAsync(backfill, TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await sampler;
        await racing;

        Assert.Equal(BackfillState.Finished, done.State);
        Assert.Equal(7, done.Succeeded);
        Assert.True(seenTwo, "two slots ran side by side");
        Assert.Equal(2, most);
        // Oldest first: the runs were started in date order.
        await using var read = _host.Fixture.CreateContext(_host.WorkspaceId);
        var started = await read.Set<JobRun>().AsNoTracking().Where(r => r.JobId == job).OrderBy(r => r.CreatedAt).Select(r => r.LogicalTime).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 7).Select(d => (DateTimeOffset?)At2(Day1.AddDays(d))), started);
    }

    [Fact]
    public async Task Paused_backfill_starts_nothing_new_resumed_goes_on_canceled_stops_its_running_run()
    {
        var job = await _host.PublishedJobAsync("SELECT pg_sleep(1.5)");
        var schedule = await _host.CreateScheduleAsync(job);
        var backfill = await CreateAsync(schedule, Days(4));
        await Pump.PumpAsync();
        var first = Assert.Single(await ItemsAsync(backfill), i => i.State == BackfillItemState.Active);

        await _host.With<BackfillService>(s => s.PauseAsync(backfill));
        await _host.WaitForFinalAsync(first.RunId!.Value);
        await Pump.PumpAsync();
        await Pump.PumpAsync();
        var paused = await GetAsync(backfill);
        Assert.Equal((BackfillState.Paused, 0, 3), (paused.State, paused.Active, paused.Pending));

        await _host.With<BackfillService>(s => s.ResumeAsync(backfill));
        await Pump.PumpAsync();
        await Pump.PumpAsync();
        var resumed = await GetAsync(backfill);
        Assert.Equal((BackfillState.Running, 1, 1, 2), (resumed.State, resumed.Succeeded, resumed.Active, resumed.Pending));
        var second = Assert.Single(await ItemsAsync(backfill), i => i.State == BackfillItemState.Active);

        await _host.With<BackfillService>(s => s.CancelAsync(backfill));
        var canceled = await GetAsync(backfill);
        Assert.Equal((BackfillState.Canceled, 3, 1), (canceled.State, canceled.Canceled, canceled.Succeeded));
        Assert.Equal(RunStatus.Canceled, (await _host.WaitForFinalAsync(second.RunId!.Value)).Status);
        await Pump.PumpAsync();
        Assert.Equal(2, (await _host.SlotsAsync(schedule)).Count);
    }

    [Fact]
    public async Task With_downstream_each_date_runs_upstream_first_and_the_downstream_waits_for_it()
    {
        var a = await _host.PublishedJobAsync("SELECT pg_sleep(0.3)");
        var b = await _host.PublishedJobAsync("SELECT 1");
        var unscheduled = await _host.PublishedJobAsync("SELECT 1");
        var scheduleA = await _host.CreateScheduleAsync(a, name: "a-daily");
        var scheduleB = await _host.CreateScheduleAsync(b, name: "b-daily");
        await _host.With<DependencyService, Guid>(s => s.AddAsync(b, a, DependencyDate.SameDate, UpstreamFailurePolicy.Wait));
        await _host.With<DependencyService, Guid>(s => s.AddAsync(unscheduled, b, DependencyDate.SameDate, UpstreamFailurePolicy.Wait));

        var alone = await PreviewAsync(scheduleA, Days(2));
        Assert.Empty(alone.Downstream);
        var preview = await PreviewAsync(scheduleA, Days(2, parallelism: 2, downstream: true));
        var fan = Assert.Single(preview.Downstream);
        Assert.Equal((scheduleB, 1, 2), (fan.ScheduleId, fan.Depth, fan.Slots));
        Assert.Single(preview.UnscheduledDownstreamJobs);
        Assert.Equal([(scheduleA, Day1), (scheduleB, Day1), (scheduleA, Day1.AddDays(1)), (scheduleB, Day1.AddDays(1))],
            preview.Slots.OrderBy(s => s.Sequence).Select(s => (s.ScheduleId, s.Date)));

        var backfill = await CreateAsync(scheduleA, Days(2, parallelism: 2, downstream: true));
        await Pump.PumpAsync();
        var items = await ItemsAsync(backfill);
        Assert.Equal([BackfillItemState.Active, BackfillItemState.Active, BackfillItemState.Pending, BackfillItemState.Pending], items.Select(i => i.State));
        Assert.Null(items[1].RunId);
        Assert.Contains("has not ended", items[1].Reason);

        var done = await PumpToEndAsync(backfill, TimeSpan.FromSeconds(60));
        Assert.Equal((BackfillState.Finished, 4), (done.State, done.Succeeded));
        var runs = await ItemsAsync(backfill);
        await using var db = _host.Fixture.CreateContext(_host.WorkspaceId);
        var created = await db.Set<JobRun>().AsNoTracking().Where(r => runs.Select(i => i.RunId).Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.CreatedAt);
        Assert.True(created[runs[1].RunId!.Value] > created[runs[0].RunId!.Value], "B of the 1st started after A of the 1st");
    }

    [Fact]
    public async Task Bad_requests_are_refused_at_their_field()
    {
        var job = await _host.PublishedJobAsync("SELECT 1");
        var schedule = await _host.CreateScheduleAsync(job);
        var everySecond = await _host.CreateScheduleAsync(job, cron: "* * * * * ?");

        async Task<(string Field, string Message)> Refused(Guid id, BackfillRequest request)
        {
            var e = await Assert.ThrowsAsync<ScheduleInputException>(() => PreviewAsync(id, request));
            return (e.Problems[0].Field, e.Problems[0].Message);
        }

        Assert.Equal("range", (await Refused(schedule, new BackfillRequest(Day1, Day1.AddDays(-1), 1, BackfillOrder.OldestFirst, BackfillMode.Missing, false))).Field);
        Assert.Contains("366 days", (await Refused(schedule, Days(400))).Message);
        Assert.Equal("parallelism", (await Refused(schedule, Days(2, parallelism: 0))).Field);
        Assert.Contains("more than 1000 slots", (await Refused(everySecond, Days(1))).Message);

        await CreateAsync(schedule, Days(2));
        var again = await Assert.ThrowsAsync<ScheduleInputException>(() => CreateAsync(schedule, Days(2)));
        Assert.Equal("range", again.Problems[0].Field);
        Assert.Contains("Nothing to backfill", again.Message);
    }
}
