using AllData.Domain.Common;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Scheduling;

public enum FireResult
{
    Started,
    Duplicate,
    Skipped,
    Waiting,
    Failed,
    Paused,
    NotFound,
}

/// <summary>What a fire did with its slot.</summary>
public sealed record FireOutcome(FireResult Result, Guid? SlotId, Guid? RunId, string? Reason);

/// <summary>What one pass of <see cref="ScheduleFiring.TendAsync"/> did, for logs and tests.</summary>
public sealed record TendReport(int Missed, int Retried, int TimedOut, int Started);

/// <summary>
/// Fires schedules, as the system, whichever node Quartz picked: claims the slot in the ledger (a second fire of
/// the same slot only counts as a duplicate), applies holidays, run gates and the overlap policy, and starts the
/// run. <see cref="TendAsync"/> writes missed slots, starts waiting ones, schedules retries and stops runs past their
/// timeout. Nothing here needs Quartz: the jobs are thin callers, and tests call this directly.
/// </summary>
internal sealed class ScheduleFiring(
    IDbContextFactory<AllDataDbContext> factory,
    ScheduledRunStarter starter,
    IEnumerable<IRunGate> gates,
    IOptions<SchedulingOptions> options,
    TimeProvider clock,
    ILogger<ScheduleFiring> logger)
{
    private const int MissedBatch = 1000;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private static readonly RunStatus[] FinalStatuses = [RunStatus.Finished, RunStatus.Failed, RunStatus.Canceled];

    /// <summary>Fires one slot. <paramref name="source"/> RunNow and Backfill reopen a slot that already ended.</summary>
    public async Task<FireOutcome> FireAsync(Guid scheduleId, DateTimeOffset logicalTime, SlotSource source, CancellationToken ct = default)
    {
        logicalTime = logicalTime.ToUniversalTime();
        var schedule = await LoadScheduleAsync(scheduleId, ct);
        if (schedule is null)
        {
            return new FireOutcome(FireResult.NotFound, null, null, "The schedule no longer exists.");
        }

        if (!schedule.Enabled && source is SlotSource.Schedule or SlotSource.Misfire)
        {
            return new FireOutcome(FireResult.Paused, null, null, "The schedule is paused.");
        }

        await using var held = await LockAsync(scheduleId, ct);
        var slotId = await ClaimAsync(schedule, logicalTime, source, ct);
        if (slotId is null)
        {
            return new FireOutcome(FireResult.Duplicate, null, null, "The slot was already fired.");
        }

        return await AdvanceAsync(schedule, slotId.Value, ct);
    }

    /// <summary>Tries a queued slot again (a backfill's slot that waits for an upstream): it starts, waits on, or ends.</summary>
    public async Task<FireOutcome> AdvanceQueuedAsync(Guid scheduleId, Guid slotId, CancellationToken ct = default)
    {
        var schedule = await LoadScheduleAsync(scheduleId, ct);
        if (schedule is null)
        {
            return new FireOutcome(FireResult.NotFound, null, null, "The schedule no longer exists.");
        }

        await using var held = await LockAsync(scheduleId, ct);
        return await AdvanceAsync(schedule, slotId, ct);
    }

    /// <summary>One pass over every enabled schedule; one that fails is logged and the others go on.</summary>
    public async Task<TendReport> TendAsync(CancellationToken ct = default)
    {
        List<Schedule> schedules;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            schedules = await db.Set<Schedule>().IgnoreQueryFilters().AsNoTracking().Where(s => s.Enabled).ToListAsync(ct);
        }

        var report = new TendReport(0, 0, 0, 0);
        foreach (var schedule in schedules)
        {
            try
            {
                var one = await TendScheduleAsync(schedule, ct);
                report = new TendReport(report.Missed + one.Missed, report.Retried + one.Retried, report.TimedOut + one.TimedOut, report.Started + one.Started);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Tending schedule {ScheduleId} failed", schedule.Id);
            }
        }

        return report;
    }

    private async Task<TendReport> TendScheduleAsync(Schedule schedule, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var missed = await WriteMissedSlotsAsync(schedule, now, ct);
        int retried = 0, timedOut = 0, started = 0;

        List<(ScheduleSlot Slot, RunStatus Status, string? Error, DateTimeOffset CreatedAt)> active;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.WorkspaceId = schedule.WorkspaceId;
            var rows = await (from slot in db.Set<ScheduleSlot>().AsNoTracking()
                              join run in db.Set<JobRun>().AsNoTracking() on slot.RunId equals run.Id
                              where slot.ScheduleId == schedule.Id && slot.State == SlotState.Started
                                    && (!FinalStatuses.Contains(run.Status) || run.Status == RunStatus.Failed)
                              select new { slot, run.Status, run.ErrorMessage, run.CreatedAt }).ToListAsync(ct);
            active = [.. rows.Select(r => (r.slot, r.Status, r.ErrorMessage, r.CreatedAt))];
        }

        foreach (var (slot, status, error, createdAt) in active)
        {
            if (status == RunStatus.Failed)
            {
                if (schedule.Retry.ShouldRetry(slot.Attempts, error))
                {
                    var wait = schedule.Retry.DelayBefore(slot.Attempts + 1);
                    await UpdateSlotAsync(schedule.WorkspaceId, slot.Id,
                        s => s.WaitForRetry(now + wait, $"Attempt {slot.Attempts} failed; retrying at {now + wait:u}.", now), ct);
                    retried++;
                }
                else
                {
                    // Final: mark the slot failed so it is not looked at again; the run keeps the error.
                    await UpdateSlotAsync(schedule.WorkspaceId, slot.Id, s => s.Fail(
                        slot.Attempts > schedule.RetryCount || schedule.RetryCount == 0
                            ? "The run failed."
                            : "The run failed with an error a retry cannot fix.", now), ct);
                }
            }
            else if (schedule.TimeoutSeconds is { } seconds && createdAt + TimeSpan.FromSeconds(seconds) < now && slot.RunId is { } runId)
            {
                logger.LogWarning("Run {RunId} of schedule {ScheduleId} passed its {Timeout} s timeout; stopping it", runId, schedule.Id, seconds);
                await starter.CancelAsync(schedule.WorkspaceId, runId, $"schedule {schedule.Name} (timeout {seconds} s)", ct);
                timedOut++;
            }
        }

        List<Guid> waiting;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.WorkspaceId = schedule.WorkspaceId;
            waiting = await db.Set<ScheduleSlot>().AsNoTracking()
                .Where(s => s.ScheduleId == schedule.Id && (s.State == SlotState.Queued || (s.State == SlotState.RetryWaiting && s.NextAttemptAt <= now)))
                .OrderBy(s => s.LogicalTime).Select(s => s.Id).Take(50).ToListAsync(ct);
        }

        foreach (var slotId in waiting)
        {
            await using var held = await LockAsync(schedule.Id, ct);
            var outcome = await AdvanceAsync(schedule, slotId, ct);
            if (outcome.Result == FireResult.Started)
            {
                started++;
            }
            else if (outcome.Result == FireResult.Waiting)
            {
                break;
            }
        }

        return new TendReport(missed, retried, timedOut, started);
    }

    /// <summary>
    /// Slots that were due longer ago than the misfire threshold and have no ledger row were never fired (the app was
    /// down or overloaded): they are written as missed, and one slot per outage fires now when the misfire policy says
    /// so. The search goes on from a cursor stored per schedule (<c>schedule_cursors</c>), not from the latest slot in
    /// the ledger: after a restart the schedule fires again before every slot of the outage has passed the threshold,
    /// and those would otherwise never be looked at.
    /// </summary>
    private async Task<int> WriteMissedSlotsAsync(Schedule schedule, DateTimeOffset now, CancellationToken ct)
    {
        var until = now - options.Value.MisfireThreshold - Grace;
        DateTimeOffset from;
        IReadOnlyList<DateOnly> holidays;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.WorkspaceId = schedule.WorkspaceId;
            var cursor = await db.Set<ScheduleCursor>().AsNoTracking().Where(c => c.ScheduleId == schedule.Id)
                .Select(c => (DateTimeOffset?)c.MissedCheckedUntil).FirstOrDefaultAsync(ct);
            // Without a cursor yet (a schedule from before cursors), the latest automatic slot is where the search starts.
            cursor ??= await db.Set<ScheduleSlot>().AsNoTracking()
                .Where(s => s.ScheduleId == schedule.Id && (s.Source == SlotSource.Schedule || s.Source == SlotSource.Misfire) && s.LogicalTime <= until)
                .MaxAsync(s => (DateTimeOffset?)s.LogicalTime, ct);
            from = cursor is { } c && c > schedule.ActiveSince ? c : schedule.ActiveSince;
            holidays = await HolidaysAsync(db, schedule, ct);
        }

        if (until <= from)
        {
            return 0;
        }

        var timeline = ScheduleTimeline.For(schedule, holidays);
        var due = timeline.Between(from, until, MissedBatch);
        var capped = due.Count >= MissedBatch;
        var checkedUntil = capped ? due[^1] : until;
        var written = due.Count == 0 ? 0 : await WriteMissedAsync(schedule, timeline, due, capped, ct);
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO schedule_cursors (schedule_id, missed_checked_until) VALUES ({schedule.Id}, {checkedUntil})
                ON CONFLICT (schedule_id) DO UPDATE SET missed_checked_until = GREATEST(schedule_cursors.missed_checked_until, EXCLUDED.missed_checked_until)
                """, ct);
        }

        return written;
    }

    private async Task<int> WriteMissedAsync(Schedule schedule, ScheduleTimeline timeline, IReadOnlyList<DateTimeOffset> due, bool capped, CancellationToken ct)
    {
        bool outageAlreadyFired;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.WorkspaceId = schedule.WorkspaceId;
            // A slot already in the ledger (run now, backfilled, or fired late) was not missed.
            var (low, high) = (due[0], due[^1]);
            var known = (await db.Set<ScheduleSlot>().AsNoTracking()
                    .Where(s => s.ScheduleId == schedule.Id && s.LogicalTime >= low && s.LogicalTime <= high).Select(s => s.LogicalTime).ToListAsync(ct))
                .Select(t => t.ToUniversalTime()).ToHashSet();
            due = [.. due.Where(d => !known.Contains(d))];
            if (due.Count == 0)
            {
                return 0;
            }

            // The slots of one outage can fall due over several passes: when the last slot before these that was not
            // missed is this outage's misfire fire, the outage has had its one fire and these are only written as missed.
            var first = due[0];
            var before = await db.Set<ScheduleSlot>().AsNoTracking()
                .Where(s => s.ScheduleId == schedule.Id && (s.Source == SlotSource.Schedule || s.Source == SlotSource.Misfire) && s.LogicalTime < first
                            && s.State != SlotState.Missed)
                .OrderByDescending(s => s.LogicalTime).Select(s => new { s.Source, s.State }).FirstOrDefaultAsync(ct);
            outageAlreadyFired = before is { Source: SlotSource.Misfire } && before.State != SlotState.Skipped;
        }

        var fireLatest = schedule.Misfire == MisfirePolicy.FireOnceNow && !capped && !outageAlreadyFired;
        var written = 0;
        for (var i = 0; i < due.Count; i++)
        {
            var slot = due[i];
            if (fireLatest && i == due.Count - 1)
            {
                var outcome = await FireAsync(schedule.Id, slot, SlotSource.Misfire, ct);
                if (outcome.Result != FireResult.Duplicate)
                {
                    logger.LogWarning("Schedule {ScheduleId} missed {Slot}; fired it now (misfire policy)", schedule.Id, slot);
                    written++;
                }

                continue;
            }

            var (state, reason) = timeline.IsExcluded(slot)
                ? (SlotState.Skipped, "The date is on the schedule's holiday calendar.")
                : (SlotState.Missed, schedule.Misfire == MisfirePolicy.Skip
                    ? "Not fired in time (the app was down or overloaded); skipped by the misfire policy."
                    : outageAlreadyFired
                        ? "Not fired in time (the app was down or overloaded); an earlier missed slot fired instead."
                        : "Not fired in time (the app was down or overloaded); a later missed slot fired instead.");
            if (await InsertSlotAsync(schedule, slot, state, SlotSource.Misfire, reason, ct))
            {
                written++;
                if (state == SlotState.Missed)
                {
                    logger.LogWarning("Schedule {ScheduleId} missed its slot {Slot}", schedule.Id, slot);
                }
            }
        }

        return written;
    }

    /// <summary>Moves a claimed or waiting slot on: skip (holiday, overlap), wait (gate, overlap), or start its run.</summary>
    private async Task<FireOutcome> AdvanceAsync(Schedule schedule, Guid slotId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = schedule.WorkspaceId;
        var slot = await db.Set<ScheduleSlot>().FirstAsync(s => s.Id == slotId, ct);
        if (slot.State is not (SlotState.Queued or SlotState.RetryWaiting))
        {
            return new FireOutcome(FireResult.Skipped, slot.Id, slot.RunId, "The slot is not waiting.");
        }

        var holidays = await HolidaysAsync(db, schedule, ct);
        var timeline = ScheduleTimeline.For(schedule, holidays);
        var automatic = slot.Source is SlotSource.Schedule or SlotSource.Misfire;
        if (automatic && slot.Attempts == 0 && timeline.IsExcluded(slot.LogicalTime))
        {
            slot.Skip("The date is on the schedule's holiday calendar.", now);
            await db.SaveChangesAsync(ct);
            return new FireOutcome(FireResult.Skipped, slot.Id, null, slot.Reason);
        }

        foreach (var gate in gates)
        {
            var result = await gate.CheckAsync(new RunGateRequest(schedule.WorkspaceId, schedule.Id, schedule.JobId, slot.LogicalTime, schedule.TimeZoneId), ct);
            switch (result.Verdict)
            {
                case GateVerdict.Wait:
                    await SetWaitingReasonAsync(db, slot, result.Reason, ct);
                    return new FireOutcome(FireResult.Waiting, slot.Id, null, result.Reason);
                case GateVerdict.Skip:
                    slot.Skip(result.Reason ?? "Skipped by a gate.", now);
                    await db.SaveChangesAsync(ct);
                    return new FireOutcome(FireResult.Skipped, slot.Id, null, slot.Reason);
                case GateVerdict.Fail:
                    slot.Fail(result.Reason ?? "Refused by a gate.", now);
                    await db.SaveChangesAsync(ct);
                    return new FireOutcome(FireResult.Failed, slot.Id, null, slot.Reason);
            }
        }

        var previous = await (from other in db.Set<ScheduleSlot>()
                              join run in db.Set<JobRun>() on other.RunId equals run.Id
                              where other.ScheduleId == schedule.Id && other.Id != slot.Id && !FinalStatuses.Contains(run.Status)
                              select run.Id).ToListAsync(ct);
        var otherQueued = automatic && slot.Attempts == 0 && await db.Set<ScheduleSlot>().AnyAsync(
            s => s.ScheduleId == schedule.Id && s.Id != slot.Id && s.State == SlotState.Queued && s.LogicalTime < slot.LogicalTime, ct);
        // A backfill's own parallelism decides how many of its slots run at once, in place of the overlap policy.
        var decision = slot.Source == SlotSource.Backfill ? OverlapDecision.Start
            : slot.State == SlotState.RetryWaiting || !automatic
            ? (previous.Count > 0 && schedule.Overlap != OverlapPolicy.Allow ? OverlapDecision.Queue : OverlapDecision.Start)
            : OverlapRules.Decide(schedule.Overlap, previous.Count > 0, otherQueued);
        switch (decision)
        {
            case OverlapDecision.Skip:
                slot.Skip("The previous run had not ended (overlap policy: skip).", now);
                await db.SaveChangesAsync(ct);
                logger.LogInformation("Schedule {ScheduleId} skipped {Slot}: the previous run had not ended", schedule.Id, slot.LogicalTime);
                return new FireOutcome(FireResult.Skipped, slot.Id, null, slot.Reason);
            case OverlapDecision.Queue:
                await SetWaitingReasonAsync(db, slot, "Waiting for the previous run to end.", ct);
                return new FireOutcome(FireResult.Waiting, slot.Id, null, slot.Reason);
            case OverlapDecision.CancelPreviousThenStart:
                foreach (var runId in previous)
                {
                    await starter.CancelAsync(schedule.WorkspaceId, runId, $"schedule {schedule.Name} (overlap policy: cancel the previous run)", ct);
                }

                break;
        }

        try
        {
            var parameters = timeline.VariablesFor(slot.LogicalTime);
            var started = await starter.StartAsync(new ScheduledRunRequest(schedule.WorkspaceId, schedule.JobId, schedule.PinnedVersionId,
                slot.LogicalTime, parameters, schedule.Id, $"schedule {schedule.Name}"), ct);
            slot.Started(started.RunId, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return new FireOutcome(FireResult.Started, slot.Id, started.RunId, started.PreparationError?.Message);
        }
        catch (DomainException e)
        {
            slot.Fail(e.Message, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            logger.LogWarning("Schedule {ScheduleId} could not start {Slot}: {Reason}", schedule.Id, slot.LogicalTime, e.Message);
            return new FireOutcome(FireResult.Failed, slot.Id, null, e.Message);
        }
    }

    private static async Task SetWaitingReasonAsync(AllDataDbContext db, ScheduleSlot slot, string? reason, CancellationToken ct)
    {
        if (slot.State == SlotState.Queued && slot.Reason == reason)
        {
            return;
        }

        db.Entry(slot).Property(s => s.Reason).CurrentValue = reason;
        db.Entry(slot).Property(s => s.State).CurrentValue = SlotState.Queued;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Writes the slot's ledger row (Queued) or, for a manual run or backfill of a slot that already ended, reopens it.
    /// Null when the slot is already in the ledger: a duplicate fire, counted and logged, never run.
    /// </summary>
    private async Task<Guid?> ClaimAsync(Schedule schedule, DateTimeOffset logicalTime, SlotSource source, CancellationToken ct)
    {
        if (await InsertSlotAsync(schedule, logicalTime, SlotState.Queued, source, null, ct))
        {
            await using var read = await factory.CreateDbContextAsync(ct);
            read.WorkspaceId = schedule.WorkspaceId;
            return await read.Set<ScheduleSlot>().Where(s => s.ScheduleId == schedule.Id && s.LogicalTime == logicalTime).Select(s => s.Id).FirstAsync(ct);
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = schedule.WorkspaceId;
        var existing = await db.Set<ScheduleSlot>().FirstAsync(s => s.ScheduleId == schedule.Id && s.LogicalTime == logicalTime, ct);
        if (source is SlotSource.RunNow or SlotSource.Backfill)
        {
            var runEnded = existing.RunId is not { } runId
                           || await db.Set<JobRun>().AnyAsync(r => r.Id == runId && FinalStatuses.Contains(r.Status), ct);
            if (existing.State == SlotState.Started && !runEnded)
            {
                throw new DomainException("That slot's run has not ended yet.");
            }

            existing.Reopen(source, runEnded, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return existing.Id;
        }

        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE schedule_slots SET duplicate_fires = duplicate_fires + 1 WHERE id = {existing.Id}", ct);
        logger.LogWarning("Duplicate fire of schedule {ScheduleId} for {Slot} ignored: the slot is already in the ledger", schedule.Id, logicalTime);
        return null;
    }

    /// <summary>Inserts a ledger row unless (schedule, logical time) already has one; true when it was written.</summary>
    private async Task<bool> InsertSlotAsync(Schedule schedule, DateTimeOffset logicalTime, SlotState state, SlotSource source, string? reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var slot = new ScheduleSlot(schedule.WorkspaceId, schedule.Id, logicalTime, state, source, reason, now);
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO schedule_slots (id, workspace_id, schedule_id, logical_time, state, source, reason, attempts, duplicate_fires, created_at, updated_at)
            VALUES ({slot.Id}, {slot.WorkspaceId}, {slot.ScheduleId}, {slot.LogicalTime}, {state.ToString()}, {source.ToString()}, {slot.Reason}, 0, 0, {now}, {now})
            ON CONFLICT (schedule_id, logical_time) DO NOTHING
            """, ct);
        return rows == 1;
    }

    private async Task UpdateSlotAsync(Guid workspaceId, Guid slotId, Action<ScheduleSlot> change, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        var slot = await db.Set<ScheduleSlot>().FirstAsync(s => s.Id == slotId, ct);
        change(slot);
        await db.SaveChangesAsync(ct);
    }

    private async Task<Schedule?> LoadScheduleAsync(Guid scheduleId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<Schedule>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(s => s.Id == scheduleId, ct);
    }

    internal static async Task<IReadOnlyList<DateOnly>> HolidaysAsync(AllDataDbContext db, Schedule schedule, CancellationToken ct) =>
        schedule.CalendarId is { } calendarId
            ? await db.Set<HolidayCalendar>().IgnoreQueryFilters().AsNoTracking().Where(c => c.Id == calendarId).Select(c => c.Dates).FirstOrDefaultAsync(ct) ?? []
            : [];

    private Task<IAsyncDisposable> LockAsync(Guid scheduleId, CancellationToken ct) => SessionLock.HoldAsync(factory, SessionLock.Schedule, scheduleId, ct);
}
