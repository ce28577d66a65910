using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace AllData.Infrastructure.Scheduling;

/// <summary>One slot of a backfill's range as the preview shows it: where it stands, and whether (and in which place) it runs.</summary>
public sealed record BackfillPreviewSlot(
    Guid ScheduleId, string ScheduleName, string JobName, int Depth, DateTimeOffset LogicalTime, DateOnly Date, ExistingSlot Existing,
    Guid? RunId, RunStatus? RunStatus, BackfillExclusion? Exclusion, int? Sequence)
{
    public bool WillRun => Exclusion is null;
}

/// <summary>A downstream schedule a backfill fans out to, with how many of its slots run.</summary>
public sealed record BackfillFanOut(Guid ScheduleId, string ScheduleName, string JobName, int Depth, int Slots);

/// <summary>What a backfill would do, exactly: the same plan is what <see cref="BackfillService.CreateAsync"/> stores.</summary>
public sealed record BackfillPreview(
    IReadOnlyList<BackfillPreviewSlot> Slots, IReadOnlyList<BackfillFanOut> Downstream, IReadOnlyList<string> UnscheduledDownstreamJobs, string TimeZoneId)
{
    public int ToRun => Slots.Count(s => s.WillRun);

    public int Excluded(BackfillExclusion reason) => Slots.Count(s => s.Exclusion == reason);
}

public sealed record BackfillRow(
    Guid Id, Guid ScheduleId, DateOnly From, DateOnly To, int Parallelism, BackfillOrder Order, BackfillMode Mode, bool IncludeDownstream,
    BackfillState State, int Items, int Pending, int Active, int Succeeded, int Failed, int Skipped, int Canceled, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? EndedAt)
{
    public int Done => Succeeded + Failed + Skipped + Canceled;
}

public sealed record BackfillItemRow(
    Guid Id, int Sequence, Guid ScheduleId, string ScheduleName, DateTimeOffset LogicalTime, BackfillItemState State, Guid? RunId,
    RunStatus? RunStatus, string? Reason, DateTimeOffset? StartedAt, DateTimeOffset UpdatedAt);

/// <summary>Builds a backfill's plan from the schedules' timelines, the workflow edges and the ledger.</summary>
internal static class BackfillPlanning
{
    public static async Task<BackfillPreview> BuildAsync(AllDataDbContext db, Schedule root, BackfillRequest request, CancellationToken ct)
    {
        if (request.Problem() is { } problem)
        {
            throw new ScheduleInputException([new TimingProblem(problem.Field, problem.Message)]);
        }

        var depths = new Dictionary<Guid, int> { [root.JobId] = 0 };
        List<string> unscheduled = [];
        List<Schedule> schedules = [root];
        if (request.IncludeDownstream)
        {
            var edges = await db.Set<JobDependency>().AsNoTracking().Select(d => new { d.JobId, d.UpstreamJobId }).ToListAsync(ct);
            depths = new Dictionary<Guid, int>(BackfillPlanner.Downstream(root.JobId, edges.Select(e => (e.JobId, e.UpstreamJobId))));
            var downstreamJobs = depths.Keys.Where(j => j != root.JobId).ToList();
            var others = await db.Set<Schedule>().AsNoTracking().Where(s => downstreamJobs.Contains(s.JobId)).OrderBy(s => s.Name).ToListAsync(ct);
            schedules.AddRange(others);
            var scheduledJobs = others.Select(s => s.JobId).ToHashSet();
            unscheduled = await db.Set<Job>().AsNoTracking().Where(j => downstreamJobs.Contains(j.Id) && !scheduledJobs.Contains(j.Id))
                .OrderBy(j => j.Name).Select(j => j.Name).ToListAsync(ct);
        }

        var jobNames = await db.Set<Job>().AsNoTracking().Where(j => depths.Keys.Contains(j.Id)).ToDictionaryAsync(j => j.Id, j => j.Name, ct);
        List<(Schedule Schedule, DateTimeOffset Slot, DateOnly Date, bool Holiday)> slots = [];
        foreach (var schedule in schedules)
        {
            var timeline = ScheduleTimeline.For(schedule, await ScheduleFiring.HolidaysAsync(db, schedule, ct));
            var from = ScheduleTimeline.StartOfDay(request.From, timeline.Zone).AddTicks(-1);
            var to = ScheduleTimeline.StartOfDay(request.To.AddDays(1), timeline.Zone).AddTicks(-1);
            foreach (var slot in timeline.Between(from, to, BackfillRequest.MaxSlots + 1 - slots.Count))
            {
                slots.Add((schedule, slot, ScheduleTimeline.DateIn(slot, timeline.Zone), timeline.IsExcluded(slot)));
            }

            if (slots.Count > BackfillRequest.MaxSlots)
            {
                throw new ScheduleInputException([new TimingProblem("range",
                    $"That range has more than {BackfillRequest.MaxSlots} slots; a backfill runs at most {BackfillRequest.MaxSlots}: choose fewer days.")]);
            }
        }

        var existing = await ExistingAsync(db, schedules, slots, ct);
        var candidates = slots.Select(s =>
        {
            var found = existing.GetValueOrDefault((s.Schedule.Id, s.Slot));
            return new BackfillCandidate(s.Schedule.Id, s.Slot, s.Date, depths.GetValueOrDefault(s.Schedule.JobId), found?.State ?? ExistingSlot.None, s.Holiday);
        });
        var byId = schedules.ToDictionary(s => s.Id);
        var sequence = 0;
        var rows = BackfillPlanner.Order(candidates, request.Order).Select(c =>
        {
            var schedule = byId[c.ScheduleId];
            var found = existing.GetValueOrDefault((c.ScheduleId, c.LogicalTime));
            var exclusion = BackfillPlanner.Exclusion(request.Mode, c.Existing, c.OnHoliday);
            return new BackfillPreviewSlot(c.ScheduleId, schedule.Name, jobNames.GetValueOrDefault(schedule.JobId, "?"), c.Depth, c.LogicalTime, c.Date,
                c.Existing, found?.RunId, found?.RunStatus, exclusion, exclusion is null ? ++sequence : null);
        }).ToList();
        var fanOut = schedules.Skip(1).Select(s => new BackfillFanOut(s.Id, s.Name, jobNames.GetValueOrDefault(s.JobId, "?"),
            depths.GetValueOrDefault(s.JobId), rows.Count(r => r.ScheduleId == s.Id && r.WillRun))).ToList();
        return new BackfillPreview(rows, fanOut, unscheduled, root.TimeZoneId);
    }

    private sealed record Found(ExistingSlot State, Guid? RunId, RunStatus? RunStatus);

    private static async Task<Dictionary<(Guid, DateTimeOffset), Found>> ExistingAsync(AllDataDbContext db, List<Schedule> schedules,
        List<(Schedule Schedule, DateTimeOffset Slot, DateOnly Date, bool Holiday)> slots, CancellationToken ct)
    {
        if (slots.Count == 0)
        {
            return [];
        }

        var ids = schedules.Select(s => s.Id).ToList();
        var min = slots.Min(s => s.Slot);
        var max = slots.Max(s => s.Slot);
        var rows = await (from slot in db.Set<ScheduleSlot>().AsNoTracking()
                          where ids.Contains(slot.ScheduleId) && slot.LogicalTime >= min && slot.LogicalTime <= max
                          join run in db.Set<JobRun>().AsNoTracking() on slot.RunId equals run.Id into runs
                          from run in runs.DefaultIfEmpty()
                          select new { slot.ScheduleId, slot.LogicalTime, slot.State, slot.Attempts, slot.RunId, Status = (RunStatus?)run.Status, run.ErrorMessage })
            .ToListAsync(ct);
        var byId = schedules.ToDictionary(s => s.Id);
        var found = rows.ToDictionary(r => (r.ScheduleId, r.LogicalTime.ToUniversalTime()),
            r => new Found(Classify(r.State, r.Status, byId[r.ScheduleId].Retry.ShouldRetry(r.Attempts, r.ErrorMessage)), r.RunId, r.Status));

        // A slot another open backfill will still run counts as active: two backfills never plan the same slot.
        var planned = await (from item in db.Set<BackfillItem>().AsNoTracking()
                             join b in db.Set<Backfill>().AsNoTracking() on item.BackfillId equals b.Id
                             where ids.Contains(item.ScheduleId) && item.LogicalTime >= min && item.LogicalTime <= max
                                   && (b.State == BackfillState.Running || b.State == BackfillState.Paused)
                                   && (item.State == BackfillItemState.Pending || item.State == BackfillItemState.Active)
                             select new { item.ScheduleId, item.LogicalTime }).ToListAsync(ct);
        foreach (var p in planned)
        {
            var key = (p.ScheduleId, p.LogicalTime.ToUniversalTime());
            found[key] = new Found(ExistingSlot.Active, found.GetValueOrDefault(key)?.RunId, found.GetValueOrDefault(key)?.RunStatus);
        }

        return found;
    }

    /// <summary>A ledger slot's standing: a failed run that the schedule will retry still counts as active.</summary>
    public static ExistingSlot Classify(SlotState state, RunStatus? run, bool willRetry) => state switch
    {
        SlotState.Queued or SlotState.RetryWaiting => ExistingSlot.Active,
        SlotState.Missed => ExistingSlot.Missed,
        SlotState.Skipped => ExistingSlot.Skipped,
        SlotState.Failed => ExistingSlot.Failed,
        _ => run switch
        {
            null => ExistingSlot.None,
            RunStatus.Finished => ExistingSlot.Succeeded,
            RunStatus.Failed when willRetry => ExistingSlot.Active,
            RunStatus.Failed or RunStatus.Canceled => ExistingSlot.Failed,
            _ => ExistingSlot.Active,
        },
    };
}

/// <summary>
/// Backfills as the signed-in user sees them: Viewers list them, Operators preview, start, pause, resume and cancel.
/// A backfill is rows in the store (<see cref="Backfill"/>, <see cref="BackfillItem"/>); <see cref="BackfillPump"/>,
/// on whichever node Quartz picks, starts its slots.
/// </summary>
public sealed class BackfillService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly ISchedulerFactory schedulers;
    private readonly IDbContextFactory<AllDataDbContext> factory;
    private readonly ScheduledRunStarter starter;
    private readonly TimeProvider clock;

    internal BackfillService(AppDb appDb, WorkspaceContext workspace, ISchedulerFactory schedulers, IDbContextFactory<AllDataDbContext> factory,
        ScheduledRunStarter starter, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.schedulers = schedulers;
        this.factory = factory;
        this.starter = starter;
        this.clock = clock;
    }

    /// <summary>The exact slots a backfill of <paramref name="scheduleId"/> would run, and those it leaves out (with why).</summary>
    public async Task<BackfillPreview> PreviewAsync(Guid scheduleId, BackfillRequest request, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, "backfill schedules");
        return await BackfillPlanning.BuildAsync(db, await FindScheduleAsync(db, scheduleId, ct), request, ct);
    }

    /// <summary>Stores the backfill with its plan (the preview's slots that run, in order) and wakes the pump.</summary>
    public async Task<Guid> CreateAsync(Guid scheduleId, BackfillRequest request, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, "backfill schedules");
        var plan = await BackfillPlanning.BuildAsync(db, await FindScheduleAsync(db, scheduleId, ct), request, ct);
        var now = clock.GetUtcNow();
        var runs = plan.Slots.Where(s => s.WillRun).ToList();
        if (runs.Count == 0)
        {
            throw new ScheduleInputException([new TimingProblem("range", "Nothing to backfill: no slot of that range needs a run in that mode.")]);
        }

        var backfill = new Backfill(access.WorkspaceId, scheduleId, request, runs.Count, await workspace.UserNameAsync(ct), now);
        db.Add(backfill);
        db.AddRange(runs.Select(s => new BackfillItem(access.WorkspaceId, backfill.Id, s.ScheduleId, s.LogicalTime, s.Sequence!.Value, now)));
        await db.SaveChangesAsync(ct);
        await WakeAsync(ct);
        return backfill.Id;
    }

    /// <summary>The backfills of a schedule (all of the workspace when null), newest first, with their progress.</summary>
    public async Task<IReadOnlyList<BackfillRow>> ListAsync(Guid? scheduleId = null, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await RowsAsync(db, db.Set<Backfill>().Where(b => scheduleId == null || b.ScheduleId == scheduleId), ct);
    }

    public async Task<BackfillRow> GetAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await RowsAsync(db, db.Set<Backfill>().Where(b => b.Id == id), ct) is [var row]
            ? row
            : throw new NotFoundException("That backfill does not exist.");
    }

    /// <summary>The backfills <paramref name="query"/> selects (at most 100, newest first), each with its item counts per state.</summary>
    private static async Task<IReadOnlyList<BackfillRow>> RowsAsync(AllDataDbContext db, IQueryable<Backfill> query, CancellationToken ct)
    {
        var backfills = await query.AsNoTracking().OrderByDescending(b => b.CreatedAt).Take(100).ToListAsync(ct);
        var ids = backfills.Select(b => b.Id).ToList();
        var counts = (await db.Set<BackfillItem>().AsNoTracking().Where(i => ids.Contains(i.BackfillId))
                .GroupBy(i => new { i.BackfillId, i.State }).Select(g => new { g.Key.BackfillId, g.Key.State, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(c => c.BackfillId);
        return [.. backfills.Select(b =>
        {
            int Of(BackfillItemState state) => counts[b.Id].Where(c => c.State == state).Sum(c => c.Count);
            return new BackfillRow(b.Id, b.ScheduleId, b.FromDate, b.ToDate, b.Parallelism, b.Order, b.Mode, b.IncludeDownstream, b.State, b.Items,
                Of(BackfillItemState.Pending), Of(BackfillItemState.Active), Of(BackfillItemState.Succeeded), Of(BackfillItemState.Failed),
                Of(BackfillItemState.Skipped), Of(BackfillItemState.Canceled), b.CreatedBy, b.CreatedAt, b.EndedAt);
        })];
    }

    /// <summary>A backfill's slots in run order, with their runs.</summary>
    public async Task<IReadOnlyList<BackfillItemRow>> ItemsAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        if (!await db.Set<Backfill>().AnyAsync(b => b.Id == id, ct))
        {
            throw new NotFoundException("That backfill does not exist.");
        }

        return await (from item in db.Set<BackfillItem>().AsNoTracking()
                      where item.BackfillId == id
                      join s in db.Set<Schedule>().AsNoTracking() on item.ScheduleId equals s.Id
                      join run in db.Set<JobRun>().AsNoTracking() on item.RunId equals run.Id into runs
                      from run in runs.DefaultIfEmpty()
                      orderby item.Sequence
                      select new BackfillItemRow(item.Id, item.Sequence, item.ScheduleId, s.Name, item.LogicalTime, item.State, item.RunId,
                          (RunStatus?)run.Status, item.Reason, item.StartedAt, item.UpdatedAt)).ToListAsync(ct);
    }

    /// <summary>Nothing more starts; slots already running go on.</summary>
    public async Task PauseAsync(Guid id, CancellationToken ct = default) => await ChangeAsync(id, "pause backfills", b => b.Pause(clock.GetUtcNow()), ct);

    public async Task ResumeAsync(Guid id, CancellationToken ct = default)
    {
        await ChangeAsync(id, "resume backfills", b => b.Resume(clock.GetUtcNow()), ct);
        await WakeAsync(ct);
    }

    /// <summary>Ends the backfill: slots not started are canceled, waiting ones skipped, running runs stopped.</summary>
    public async Task CancelAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, "cancel backfills");
        var by = await workspace.UserNameAsync(ct);
        if (!await db.Set<Backfill>().AnyAsync(b => b.Id == id, ct))
        {
            throw new NotFoundException("That backfill does not exist.");
        }

        await using var held = await SessionLock.HoldAsync(factory, SessionLock.Backfill, id, ct);
        var backfill = await db.Set<Backfill>().FirstAsync(b => b.Id == id, ct);
        var now = clock.GetUtcNow();
        backfill.Cancel(now);
        var items = await db.Set<BackfillItem>().Where(i => i.BackfillId == id && (i.State == BackfillItemState.Pending || i.State == BackfillItemState.Active))
            .ToListAsync(ct);
        var slotIds = items.Where(i => i.SlotId != null).Select(i => i.SlotId!.Value).ToList();
        var slots = await db.Set<ScheduleSlot>().Where(s => slotIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        List<Guid> stop = [];
        foreach (var item in items)
        {
            if (item.SlotId is { } slotId && slots.TryGetValue(slotId, out var slot))
            {
                if (slot.State is SlotState.Queued or SlotState.RetryWaiting)
                {
                    slot.Skip($"The backfill was canceled by {by}.", now);
                }
                else if (slot.State == SlotState.Started && slot.RunId is { } runId)
                {
                    stop.Add(runId);
                }
            }

            item.End(BackfillItemState.Canceled, null, $"Canceled by {by}.", now);
        }

        await db.SaveChangesAsync(ct);
        foreach (var runId in stop)
        {
            try
            {
                await starter.CancelAsync(access.WorkspaceId, runId, $"{by} (backfill canceled)", ct);
            }
            catch (DomainException)
            {
                // The run ended in the meantime.
            }
        }
    }

    private async Task ChangeAsync(Guid id, string what, Action<Backfill> change, CancellationToken ct)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, what);
        var backfill = await db.Set<Backfill>().FirstOrDefaultAsync(b => b.Id == id, ct) ?? throw new NotFoundException("That backfill does not exist.");
        change(backfill);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("The backfill changed at the same moment; reload and try again.");
        }
    }

    private async Task WakeAsync(CancellationToken ct)
    {
        // A one-shot trigger in the shared store: whichever node runs the scheduler fires it (the periodic one catches up otherwise).
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.TriggerJob(SchedulingKeys.PumpBackfills, ct);
    }

    private static async Task<Schedule> FindScheduleAsync(AllDataDbContext db, Guid id, CancellationToken ct) =>
        await db.Set<Schedule>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("That schedule does not exist.");
}

/// <summary>
/// Moves running backfills on, as the system, on one node at a time per backfill (an advisory lock): ends the items
/// whose slots ended, then starts the next pending items in order while fewer than the parallelism are active. An item
/// counts as active from its slot's claim until its run (and every retry the schedule grants) has ended, so the
/// parallelism is never exceeded.
/// </summary>
internal sealed class BackfillPump(IDbContextFactory<AllDataDbContext> factory, ScheduleFiring firing, TimeProvider clock, ILogger<BackfillPump> logger)
{
    /// <summary>One pass over every running or paused backfill; returns how many slots it started.</summary>
    public async Task<int> PumpAsync(CancellationToken ct = default)
    {
        List<Guid> running;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            running = await db.Set<Backfill>().IgnoreQueryFilters().AsNoTracking().Where(b => b.State == BackfillState.Running || b.State == BackfillState.Paused)
                .OrderBy(b => b.CreatedAt).Select(b => b.Id).ToListAsync(ct);
        }

        var started = 0;
        foreach (var id in running)
        {
            try
            {
                started += await PumpOneAsync(id, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Moving backfill {BackfillId} on failed", id);
            }
        }

        return started;
    }

    internal async Task<int> PumpOneAsync(Guid id, CancellationToken ct)
    {
        await using var held = await SessionLock.HoldAsync(factory, SessionLock.Backfill, id, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var backfill = await db.Set<Backfill>().IgnoreQueryFilters().FirstAsync(b => b.Id == id, ct);
        if (backfill.IsOver)
        {
            return 0;
        }

        db.WorkspaceId = backfill.WorkspaceId;
        var open = await db.Set<BackfillItem>().Where(i => i.BackfillId == id && (i.State == BackfillItemState.Pending || i.State == BackfillItemState.Active))
            .OrderBy(i => i.Sequence).ToListAsync(ct);
        var scheduleIds = open.Select(i => i.ScheduleId).Distinct().ToList();
        var schedules = await db.Set<Schedule>().AsNoTracking().Where(s => scheduleIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);

        var activeCount = 0;
        foreach (var item in open.Where(i => i.State == BackfillItemState.Active))
        {
            if (await RefreshAsync(db, item, schedules.GetValueOrDefault(item.ScheduleId), ct))
            {
                activeCount++;
            }
        }

        var started = 0;
        // Paused: the active items' progress is counted, nothing new starts.
        foreach (var item in open.Where(i => i.State == BackfillItemState.Pending && backfill.State == BackfillState.Running))
        {
            if (activeCount >= backfill.Parallelism)
            {
                break;
            }

            if (await StartAsync(item, ct))
            {
                activeCount++;
                started++;
            }
        }

        if (activeCount == 0 && open.All(i => i.IsOver))
        {
            backfill.Finish(clock.GetUtcNow());
            logger.LogInformation("Backfill {BackfillId} finished", id);
        }

        await db.SaveChangesAsync(ct);
        return started;
    }

    /// <summary>Ends an active item whose slot ended, tries a queued slot again; true while the item stays active.</summary>
    private async Task<bool> RefreshAsync(AllDataDbContext db, BackfillItem item, Schedule? schedule, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var slot = item.SlotId is { } slotId ? await db.Set<ScheduleSlot>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == slotId, ct) : null;
        if (slot is null || schedule is null)
        {
            item.End(BackfillItemState.Failed, null, "The slot is gone: its schedule was deleted.", now);
            return false;
        }

        if (slot.State == SlotState.Queued)
        {
            var outcome = await firing.AdvanceQueuedAsync(schedule.Id, slot.Id, ct);
            if (outcome.Result == FireResult.Waiting || outcome.Result == FireResult.Started)
            {
                item.Activate(slot.Id, outcome.RunId, outcome.Reason, now);
                return true;
            }

            slot = await db.Set<ScheduleSlot>().AsNoTracking().FirstAsync(s => s.Id == slot.Id, ct);
        }

        var run = slot.RunId is { } runId
            ? await db.Set<JobRun>().AsNoTracking().Where(r => r.Id == runId).Select(r => new { r.Status, r.ErrorMessage }).FirstOrDefaultAsync(ct)
            : null;
        var standing = BackfillPlanning.Classify(slot.State, run?.Status, schedule.Retry.ShouldRetry(slot.Attempts, run?.ErrorMessage));
        switch (standing)
        {
            case ExistingSlot.Active:
                if (slot.RunId != item.RunId)
                {
                    item.Activate(slot.Id, slot.RunId, slot.Reason, now);
                }

                return true;
            case ExistingSlot.Succeeded:
                item.End(BackfillItemState.Succeeded, slot.RunId, null, now);
                return false;
            case ExistingSlot.Skipped:
                item.End(BackfillItemState.Skipped, slot.RunId, slot.Reason, now);
                return false;
            default:
                item.End(run?.Status == RunStatus.Canceled ? BackfillItemState.Canceled : BackfillItemState.Failed, slot.RunId,
                    run?.ErrorMessage ?? slot.Reason ?? "The run did not succeed.", now);
                return false;
        }
    }

    /// <summary>Fires a pending item's slot as a backfill; true when it became active (started, or waits for an upstream).</summary>
    private async Task<bool> StartAsync(BackfillItem item, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        FireOutcome outcome;
        try
        {
            outcome = await firing.FireAsync(item.ScheduleId, item.LogicalTime, SlotSource.Backfill, ct);
        }
        catch (DomainException e)
        {
            item.End(BackfillItemState.Skipped, null, e.Message, now);
            return false;
        }

        switch (outcome.Result)
        {
            case FireResult.Started or FireResult.Waiting:
                item.Activate(outcome.SlotId!.Value, outcome.RunId, outcome.Reason, now);
                return true;
            case FireResult.Skipped:
                item.End(BackfillItemState.Skipped, outcome.RunId, outcome.Reason, now);
                return false;
            default:
                item.End(BackfillItemState.Failed, outcome.RunId, outcome.Reason, now);
                return false;
        }
    }
}

/// <summary>Moves running backfills on: every few seconds, and at once when one is started or resumed.</summary>
[DisallowConcurrentExecution]
internal sealed class PumpBackfillsJob(BackfillPump pump) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await pump.PumpAsync(cancellationToken);
}
