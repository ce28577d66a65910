using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Scheduling;

/// <summary>
/// What the monitoring wall and the overview show of a workspace's schedules — the next fires and the scheduled slots
/// that went wrong — for a workspace named by the caller (the wall opens with a link token, not a signed-in user).
/// </summary>
public sealed class ScheduleBoard
{
    private readonly IDbContextFactory<AllDataDbContext> factory;
    private readonly TimeProvider clock;

    internal ScheduleBoard(IDbContextFactory<AllDataDbContext> factory, TimeProvider clock)
    {
        this.factory = factory;
        this.clock = clock;
    }

    public const int WallRows = 6;

    public async Task<ScheduleBoardState> GetAsync(Guid workspaceId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        var rows = await ScheduleService.ListAsync(db, null, now, ct);
        return new ScheduleBoardState(Upcoming(rows, WallRows), await ProblemsAsync(db, now.AddHours(-24), WallRows, ct), rows.Count, rows.Count(r => !r.Enabled));
    }

    internal static IReadOnlyList<UpcomingFire> Upcoming(IReadOnlyList<ScheduleRow> rows, int take) =>
        [.. rows.Where(r => r.NextFire is not null).OrderBy(r => r.NextFire).Take(take)
            .Select(r => new UpcomingFire(r.Id, r.Name, r.JobName, r.NextFire!.Value, r.LastRunStatus))];

    /// <summary>
    /// Scheduled slots that went wrong since <paramref name="since"/>, newest first: their run failed, no run could be
    /// started, or the slot was missed.
    /// </summary>
    internal static async Task<IReadOnlyList<SlotProblemRow>> ProblemsAsync(AllDataDbContext db, DateTimeOffset since, int take, CancellationToken ct) =>
        await (from slot in db.Set<ScheduleSlot>().AsNoTracking()
               join s in db.Set<Schedule>().AsNoTracking() on slot.ScheduleId equals s.Id
               join j in db.Set<Job>().AsNoTracking() on s.JobId equals j.Id
               join run in db.Set<JobRun>().AsNoTracking() on slot.RunId equals run.Id into runs
               from run in runs.DefaultIfEmpty()
               where slot.UpdatedAt >= since
                     && (slot.State == SlotState.Failed || slot.State == SlotState.Missed
                         || (slot.State == SlotState.Started && run != null && run.Status == RunStatus.Failed))
               orderby slot.UpdatedAt descending
               select new SlotProblemRow(slot.Id, s.Id, s.Name, j.Name, slot.LogicalTime, slot.State, slot.Reason, slot.RunId,
                   (RunStatus?)run.Status, slot.UpdatedAt)).Take(take).ToListAsync(ct);
}

/// <summary>The wall's schedules panel: next fires, failed scheduled runs of the last 24 h, how many schedules (paused).</summary>
public sealed record ScheduleBoardState(IReadOnlyList<UpcomingFire> Next, IReadOnlyList<SlotProblemRow> Failed, int Schedules, int Paused);
