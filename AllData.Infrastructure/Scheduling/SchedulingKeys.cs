using Quartz;

namespace AllData.Infrastructure.Scheduling;

/// <summary>Every Quartz job and trigger name AllData stores, in one place (they are rows in the shared store).</summary>
public static class SchedulingKeys
{
    public const string SchedulerName = "AllData";
    public const string ScheduleGroup = "schedules";
    public const string SystemGroup = "system";
    public const string ScheduleIdKey = "scheduleId";

    /// <summary>The one durable job every schedule's trigger fires.</summary>
    public static readonly JobKey StartScheduledRun = new("start-scheduled-run", ScheduleGroup);

    /// <summary>The cluster-wide poller that writes missed slots, starts queued ones, retries and enforces timeouts.</summary>
    public static readonly JobKey TendSchedules = new("tend-schedules", SystemGroup);

    public static readonly TriggerKey TendSchedulesTrigger = new("tend-schedules", SystemGroup);

    /// <summary>The trigger of one schedule.</summary>
    public static TriggerKey ScheduleTrigger(Guid scheduleId) => new($"schedule-{scheduleId:N}", ScheduleGroup);
}
