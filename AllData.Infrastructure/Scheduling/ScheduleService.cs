using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Studio;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Scheduling;

/// <summary>
/// Schedules as the signed-in user sees them: Viewers read, Developers create, edit and delete, Operators run now,
/// pause, resume and backfill missed slots. Every change to a schedule updates its trigger in the clustered store.
/// </summary>
public sealed class ScheduleService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly ScheduleTriggers triggers;
    private readonly ScheduleFiring firing;
    private readonly TimeProvider clock;

    internal ScheduleService(AppDb appDb, WorkspaceContext workspace, ScheduleTriggers triggers, ScheduleFiring firing, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.triggers = triggers;
        this.firing = firing;
        this.clock = clock;
    }

    public const int PreviewCount = 10;

    /// <summary>The workspace's schedules (of one job when <paramref name="jobId"/> is given), by name.</summary>
    public async Task<IReadOnlyList<ScheduleRow>> ListAsync(Guid? jobId = null, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await ListAsync(db, jobId, clock.GetUtcNow(), ct);
    }

    /// <summary>The schedules of <paramref name="db"/>'s workspace: also what the wall reads (<see cref="ScheduleBoard"/>).</summary>
    internal static async Task<IReadOnlyList<ScheduleRow>> ListAsync(AllDataDbContext db, Guid? jobId, DateTimeOffset now, CancellationToken ct)
    {
        var schedules = await (from s in db.Set<Schedule>().AsNoTracking()
                               join j in db.Set<Job>().AsNoTracking() on s.JobId equals j.Id
                               where jobId == null || s.JobId == jobId
                               orderby s.Name
                               select new { s, j.Name }).ToListAsync(ct);
        var ids = schedules.Select(x => x.s.Id).ToList();
        // Only each schedule's latest slot (through the (schedule, logical time) index) and a count of the missed ones:
        // the list, the wall and the overview read this on every run change, so the ledger is never read whole.
        var latest = (await (from slot in db.Set<ScheduleSlot>().AsNoTracking()
                             where ids.Contains(slot.ScheduleId)
                                   && slot.LogicalTime == db.Set<ScheduleSlot>().Where(o => o.ScheduleId == slot.ScheduleId && o.LogicalTime <= now)
                                       .Max(o => (DateTimeOffset?)o.LogicalTime)
                             join run in db.Set<JobRun>().AsNoTracking() on slot.RunId equals run.Id into runs
                             from run in runs.DefaultIfEmpty()
                             select new { slot.ScheduleId, slot.LogicalTime, slot.State, Status = (RunStatus?)run.Status }).ToListAsync(ct))
            .ToDictionary(l => l.ScheduleId);
        var missed = await db.Set<ScheduleSlot>().AsNoTracking().Where(x => ids.Contains(x.ScheduleId) && x.State == SlotState.Missed)
            .GroupBy(x => x.ScheduleId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var calendars = await CalendarDatesAsync(db, ct);
        return [.. schedules.Select(x =>
        {
            var timeline = ScheduleTimeline.For(x.s, x.s.CalendarId is { } c ? calendars.GetValueOrDefault(c) : null);
            var last = latest.GetValueOrDefault(x.s.Id);
            return new ScheduleRow(x.s.Id, x.s.Name, x.s.JobId, x.Name, x.s.Kind, x.s.Cron, x.s.IntervalSeconds, x.s.TimeZoneId, x.s.Enabled,
                Words(x.s.Timing), x.s.Enabled && timeline.Next(now, 1) is [var next] ? next : null,
                last?.LogicalTime, last?.State, last?.Status, missed.GetValueOrDefault(x.s.Id));
        })];
    }

    public async Task<ScheduleDetail> GetAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var schedule = await FindAsync(db, id, ct);
        var jobName = await db.Set<Job>().Where(j => j.Id == schedule.JobId).Select(j => j.Name).FirstAsync(ct);
        var timeline = ScheduleTimeline.For(schedule, await ScheduleFiring.HolidaysAsync(db, schedule, ct));
        return new ScheduleDetail(schedule, jobName, Words(schedule.Timing), timeline.Next(clock.GetUtcNow(), PreviewCount));
    }

    /// <summary>The editor's preview of a timing: problems by field, or the words and the next 10 fire times.</summary>
    public async Task<TimingPreview> PreviewAsync(ScheduleTiming timing, Guid? calendarId, CancellationToken ct = default)
    {
        IReadOnlyList<DateOnly>? holidays = null;
        if (calendarId is { } c)
        {
            var (db, _) = await appDb.ForWorkspaceAsync(ct);
            await using var _db = db;
            holidays = await db.Set<HolidayCalendar>().AsNoTracking().Where(x => x.Id == c).Select(x => x.Dates).FirstOrDefaultAsync(ct);
        }

        var now = clock.GetUtcNow();
        var (timeline, problems) = ScheduleTimeline.Create(timing, holidays, now);
        return timeline is null
            ? new TimingPreview(problems, [], [])
            : new TimingPreview([], Words(timing), timeline.Next(now, PreviewCount));
    }

    public async Task<Guid> CreateAsync(ScheduleInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "create schedules");
        await ValidateAsync(db, input, null, ct);
        var schedule = new Schedule(access.WorkspaceId, input.JobId, input.Name, input.Timing, Behaviour(input), input.PinnedVersionId, input.CalendarId,
            await workspace.UserNameAsync(ct), clock.GetUtcNow());
        db.Add(schedule);
        await db.SaveChangesAsync(ct);
        await triggers.ApplyAsync(schedule, ct);
        return schedule.Id;
    }

    public async Task UpdateAsync(Guid id, ScheduleInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "edit schedules");
        var schedule = await FindAsync(db, id, ct);
        if (schedule.JobId != input.JobId)
        {
            throw new ScheduleInputException([new TimingProblem("job", "A schedule stays with its job; create a new schedule for another job.")]);
        }

        await ValidateAsync(db, input, id, ct);
        schedule.Change(input.Name, input.Timing, Behaviour(input), input.PinnedVersionId, input.CalendarId, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        await SaveAsync(db, ct);
        await triggers.ApplyAsync(schedule, ct);
    }

    public async Task PauseAsync(Guid id, CancellationToken ct = default) => await SetEnabledAsync(id, false, ct);

    public async Task ResumeAsync(Guid id, CancellationToken ct = default) => await SetEnabledAsync(id, true, ct);

    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "delete schedules");
        var schedule = await FindAsync(db, id, ct);
        db.Remove(schedule);
        await db.SaveChangesAsync(ct);
        await triggers.RemoveAsync(id, ct);
    }

    /// <summary>Runs the schedule's job now for <paramref name="logicalTime"/> (default: now), as a slot in its ledger.</summary>
    public async Task<FireOutcome> RunNowAsync(Guid id, DateTimeOffset? logicalTime, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, "run schedules");
        _ = await FindAsync(db, id, ct);
        var at = logicalTime ?? clock.GetUtcNow();
        return await firing.FireAsync(id, new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero), SlotSource.RunNow, ct);
    }

    /// <summary>Runs a missed, skipped or failed slot again (one-click backfill), with the slot's own logical time.</summary>
    public async Task<FireOutcome> BackfillSlotAsync(Guid id, Guid slotId, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, "backfill schedules");
        var slot = await db.Set<ScheduleSlot>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == slotId && s.ScheduleId == id, ct)
                   ?? throw new DomainException("That slot does not exist.");
        return await firing.FireAsync(id, slot.LogicalTime, SlotSource.Backfill, ct);
    }

    /// <summary>The ledger, newest slot first; <paramref name="state"/> filters (Missed: the missed slots).</summary>
    public async Task<IReadOnlyList<SlotRow>> LedgerAsync(Guid id, SlotState? state = null, int take = 200, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var query = db.Set<ScheduleSlot>().AsNoTracking().Where(s => s.ScheduleId == id);
        if (state is { } only)
        {
            query = query.Where(s => s.State == only);
        }

        return await (from slot in query
                      join run in db.Set<JobRun>().AsNoTracking() on slot.RunId equals run.Id into runs
                      from run in runs.DefaultIfEmpty()
                      orderby slot.LogicalTime descending
                      select new SlotRow(slot.Id, slot.LogicalTime, slot.State, slot.Source, slot.Reason, slot.RunId, (RunStatus?)run.Status, slot.Attempts,
                          slot.DuplicateFires, slot.NextAttemptAt, slot.UpdatedAt)).Take(take).ToListAsync(ct);
    }

    /// <summary>Jobs a schedule can run (with how many published versions each has).</summary>
    public async Task<IReadOnlyList<JobChoice>> JobsAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await db.Set<Job>().AsNoTracking().OrderBy(j => j.Name)
            .Select(j => new JobChoice(j.Id, j.Name, db.Set<JobVersion>().Count(v => v.JobId == j.Id))).ToListAsync(ct);
    }

    /// <summary>The published versions a schedule of <paramref name="jobId"/> can be pinned to, newest first.</summary>
    public async Task<IReadOnlyList<VersionChoice>> VersionsAsync(Guid jobId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await db.Set<JobVersion>().AsNoTracking().Where(v => v.JobId == jobId).OrderByDescending(v => v.Number)
            .Select(v => new VersionChoice(v.Id, v.Number, v.PublishedAt, v.PublishedBy, v.Comment)).ToListAsync(ct);
    }

    /// <summary>Scheduled slots that went wrong since <paramref name="since"/>, newest first (see <see cref="ScheduleBoard.ProblemsAsync(AllDataDbContext, DateTimeOffset, int, CancellationToken)"/>).</summary>
    public async Task<IReadOnlyList<SlotProblemRow>> ProblemsAsync(DateTimeOffset since, int take = 20, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await ScheduleBoard.ProblemsAsync(db, since, take, ct);
    }

    /// <summary>The next fires of every enabled schedule of the workspace, soonest first.</summary>
    public async Task<IReadOnlyList<UpcomingFire>> UpcomingAsync(int take = 10, CancellationToken ct = default) =>
        ScheduleBoard.Upcoming(await ListAsync(null, ct), take);

    public async Task<IReadOnlyList<CalendarRow>> CalendarsAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var calendars = await db.Set<HolidayCalendar>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        return [.. calendars.Select(c => new CalendarRow(c.Id, c.Name, c.Dates))];
    }

    /// <summary>Creates (<paramref name="id"/> null) or changes a workspace holiday calendar.</summary>
    public async Task<Guid> SaveCalendarAsync(Guid? id, string name, IReadOnlyList<DateOnly> dates, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "edit holiday calendars");
        HolidayCalendar calendar;
        if (id is { } existing)
        {
            calendar = await db.Set<HolidayCalendar>().FirstOrDefaultAsync(c => c.Id == existing, ct) ?? throw new DomainException("That calendar does not exist.");
            calendar.Change(name, dates);
        }
        else
        {
            calendar = new HolidayCalendar(access.WorkspaceId, name, dates, clock.GetUtcNow());
            db.Add(calendar);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new DomainException($"A calendar named '{name.Trim()}' already exists.");
        }

        return calendar.Id;
    }

    public static IReadOnlyList<CronPhrase> Words(ScheduleTiming timing) =>
        timing.Kind == ScheduleKind.Cron ? CronWords.Describe(timing.Cron ?? string.Empty) : [new CronPhrase("CronEveryInterval", $"{timing.IntervalSeconds}")];

    private async Task SetEnabledAsync(Guid id, bool enabled, CancellationToken ct)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, enabled ? "resume schedules" : "pause schedules");
        var schedule = await FindAsync(db, id, ct);
        var by = await workspace.UserNameAsync(ct);
        if (enabled)
        {
            schedule.Resume(by, clock.GetUtcNow());
        }
        else
        {
            schedule.Pause(by, clock.GetUtcNow());
        }

        await SaveAsync(db, ct);
        await triggers.ApplyAsync(schedule, ct);
    }

    private static async Task SaveAsync(AllDataDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone changed this schedule at the same moment; reload and try again.");
        }
        catch (DbUpdateException)
        {
            throw new ScheduleInputException([new TimingProblem("name", "Another schedule of this workspace has that name.")]);
        }
    }

    private static async Task ValidateAsync(AllDataDbContext db, ScheduleInput input, Guid? id, CancellationToken ct)
    {
        List<TimingProblem> problems = [];
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            problems.Add(new TimingProblem("name", "Enter a name."));
        }
        else if (await db.Set<Schedule>().AnyAsync(s => s.Name == input.Name.Trim() && s.Id != id, ct))
        {
            problems.Add(new TimingProblem("name", "Another schedule of this workspace has that name."));
        }

        if (!await db.Set<Job>().AnyAsync(j => j.Id == input.JobId, ct))
        {
            problems.Add(new TimingProblem("job", "Choose a job of this workspace."));
        }
        else if (input.PinnedVersionId is { } pinned)
        {
            if (!await db.Set<JobVersion>().AnyAsync(v => v.Id == pinned && v.JobId == input.JobId, ct))
            {
                problems.Add(new TimingProblem("version", "That version is not a published version of the job."));
            }
        }
        else if (!await db.Set<JobVersion>().AnyAsync(v => v.JobId == input.JobId, ct))
        {
            problems.Add(new TimingProblem("job", "The job has no published version yet: publish it in the studio first."));
        }

        if (input.CalendarId is { } calendarId && !await db.Set<HolidayCalendar>().AnyAsync(c => c.Id == calendarId, ct))
        {
            problems.Add(new TimingProblem("calendar", "That calendar does not exist."));
        }

        problems.AddRange(TimingAndPolicyProblems(input));
        if (problems.Count > 0)
        {
            throw new ScheduleInputException(problems);
        }
    }

    /// <summary>What is wrong with the timing (cron, interval, zone, dates) and the policies, by field; also what an import checks.</summary>
    internal static IReadOnlyList<TimingProblem> TimingAndPolicyProblems(ScheduleInput input)
    {
        List<TimingProblem> problems = [.. ScheduleTimeline.Create(input.Timing, null, DateTimeOffset.UnixEpoch).Problems];
        try
        {
            Behaviour(input).Validate();
        }
        catch (ScheduleInputException e)
        {
            problems.AddRange(e.Problems);
        }
        catch (DomainException e)
        {
            problems.Add(new TimingProblem(e.Message.Contains("timeout", StringComparison.OrdinalIgnoreCase) ? "timeout" : "retry", e.Message));
        }

        return problems;
    }

    internal static ScheduleBehaviour Behaviour(ScheduleInput input)
    {
        try
        {
            return new ScheduleBehaviour(input.Overlap, input.Misfire, RetryPolicy.Create(input.RetryCount, TimeSpan.FromSeconds(input.RetryDelaySeconds), input.RetryExponential),
                input.TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null);
        }
        catch (DomainException e)
        {
            throw new ScheduleInputException([new TimingProblem("retry", e.Message)]);
        }
    }

    private static async Task<Schedule> FindAsync(AllDataDbContext db, Guid id, CancellationToken ct) =>
        await db.Set<Schedule>().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("That schedule does not exist.");

    private static async Task<Dictionary<Guid, List<DateOnly>>> CalendarDatesAsync(AllDataDbContext db, CancellationToken ct) =>
        await db.Set<HolidayCalendar>().AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Dates, ct);
}
