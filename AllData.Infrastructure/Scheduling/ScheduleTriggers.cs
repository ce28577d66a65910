using AllData.Domain.Scheduling;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace AllData.Infrastructure.Scheduling;

/// <summary>
/// Keeps each schedule's Quartz trigger (in the shared, clustered store) in step with the schedule row: one trigger
/// per enabled schedule, none for a paused or deleted one. The rows are the truth; <see cref="ReconcileAsync"/>
/// repairs any drift.
/// </summary>
internal sealed class ScheduleTriggers(ISchedulerFactory schedulers, IDbContextFactory<AllDataDbContext> factory, TimeProvider clock,
    ILogger<ScheduleTriggers> logger)
{
    public async Task ApplyAsync(Schedule schedule, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = SchedulingKeys.ScheduleTrigger(schedule.Id);
        if (!schedule.Enabled)
        {
            await scheduler.UnscheduleJob(key, ct);
            return;
        }

        await scheduler.ScheduleJob(Build(schedule), ScheduleJobOptions.Replacing, ct);
    }

    public async Task RemoveAsync(Guid scheduleId, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.UnscheduleJob(SchedulingKeys.ScheduleTrigger(scheduleId), ct);
    }

    /// <summary>The trigger's next fire time as Quartz holds it (null: no trigger).</summary>
    public async Task<DateTimeOffset?> NextFireAsync(Guid scheduleId, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var trigger = await scheduler.GetTrigger(SchedulingKeys.ScheduleTrigger(scheduleId), ct);
        return trigger?.NextFireTimeUtc;
    }

    /// <summary>Adds missing triggers of enabled schedules and removes triggers whose schedule is gone or paused.</summary>
    public async Task<int> ReconcileAsync(CancellationToken ct = default)
    {
        List<Schedule> schedules;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            schedules = await db.Set<Schedule>().IgnoreQueryFilters().AsNoTracking().ToListAsync(ct);
        }

        var scheduler = await schedulers.GetScheduler(ct);
        var stored = await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(SchedulingKeys.ScheduleGroup), ct);
        var wanted = schedules.Where(s => s.Enabled).ToDictionary(s => SchedulingKeys.ScheduleTrigger(s.Id));
        var changes = 0;
        foreach (var key in stored.Where(k => !wanted.ContainsKey(k)))
        {
            await scheduler.UnscheduleJob(key, ct);
            changes++;
        }

        foreach (var (key, schedule) in wanted.Where(w => !stored.Contains(w.Key)))
        {
            await scheduler.ScheduleJob(Build(schedule), ScheduleJobOptions.Replacing, ct);
            logger.LogInformation("Restored the trigger of schedule {ScheduleId}", schedule.Id);
            changes++;
        }

        return changes;
    }

    private ITrigger Build(Schedule schedule)
    {
        var now = clock.GetUtcNow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZoneId);
        var builder = TriggerBuilder.Create()
            .WithIdentity(SchedulingKeys.ScheduleTrigger(schedule.Id))
            .ForJob(SchedulingKeys.StartScheduledRun)
            .WithDescription(schedule.Name)
            .UsingJobData(SchedulingKeys.ScheduleIdKey, schedule.Id.ToString());

        if (schedule.Kind == ScheduleKind.Cron)
        {
            // Missed slots are the ledger's business (ScheduleFiring writes them and applies the misfire policy).
            builder = builder
                .WithSchedule(CronScheduleBuilder.Create(schedule.Cron!).InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
                .StartAt(schedule.StartAt is { } start && start > now ? start : now);
        }
        else
        {
            // An interval counts from its start (or the schedule's creation), so slots line up with the ledger's.
            builder = builder
                .WithSimpleSchedule(x => x.WithInterval(TimeSpan.FromSeconds(schedule.IntervalSeconds!.Value)).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .StartAt(schedule.StartAt ?? schedule.CreatedAt);
        }

        if (schedule.EndAt is { } end)
        {
            builder = builder.EndAt(end);
        }

        return builder.Build();
    }
}
