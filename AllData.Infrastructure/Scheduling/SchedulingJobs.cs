using AllData.Domain.Scheduling;
using Microsoft.Extensions.Logging;
using Quartz;

namespace AllData.Infrastructure.Scheduling;

/// <summary>Fires one schedule's slot: the slot is the trigger's scheduled fire time.</summary>
internal sealed class StartScheduledRunJob(ScheduleFiring firing, ILogger<StartScheduledRunJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(SchedulingKeys.ScheduleIdKey), out var scheduleId))
        {
            logger.LogError("Trigger {Trigger} names no schedule; removing it", context.Trigger.Key);
            await context.Scheduler.UnscheduleJob(context.Trigger.Key, cancellationToken);
            return;
        }

        var slot = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var outcome = await firing.FireAsync(scheduleId, slot, SlotSource.Schedule, cancellationToken);
        if (outcome.Result == FireResult.NotFound)
        {
            await context.Scheduler.UnscheduleJob(context.Trigger.Key, cancellationToken);
        }
    }
}

/// <summary>Once per tend interval, on one node of the cluster: missed slots, waiting slots, retries, timeouts, trigger drift.</summary>
[DisallowConcurrentExecution]
internal sealed class TendSchedulesJob(ScheduleFiring firing, ScheduleTriggers triggers, ILogger<TendSchedulesJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await triggers.ReconcileAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Reconciling schedule triggers failed");
        }

        var report = await firing.TendAsync(cancellationToken);
        if (report != new TendReport(0, 0, 0, 0))
        {
            logger.LogInformation("Tended schedules: {Missed} missed, {Retried} retries, {TimedOut} timed out, {Started} started",
                report.Missed, report.Retried, report.TimedOut, report.Started);
        }
    }
}
