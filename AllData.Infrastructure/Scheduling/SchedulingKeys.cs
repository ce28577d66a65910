using Quartz;

namespace AllData.Infrastructure.Scheduling;

/// <summary>Every Quartz job and trigger name AllData stores, in one place (they are rows in the shared store).</summary>
public static class SchedulingKeys
{
    public const string SchedulerName = "AllData";
    public const string ScheduleGroup = "schedules";
    public const string SystemGroup = "system";
    public const string FlinkGroup = "flink";
    public const string ScheduleIdKey = "scheduleId";

    /// <summary>The one durable job every schedule's trigger fires.</summary>
    public static readonly JobKey StartScheduledRun = new("start-scheduled-run", ScheduleGroup);

    /// <summary>The cluster-wide poller that writes missed slots, starts queued ones, retries and enforces timeouts.</summary>
    public static readonly JobKey TendSchedules = new("tend-schedules", SystemGroup);

    public static readonly TriggerKey TendSchedulesTrigger = new("tend-schedules", SystemGroup);

    /// <summary>The cluster-wide mover of running backfills (also triggered at once when one starts or resumes).</summary>
    public static readonly JobKey PumpBackfills = new("pump-backfills", SystemGroup);

    public static readonly TriggerKey PumpBackfillsTrigger = new("pump-backfills", SystemGroup);

    /// <summary>The cluster-wide pruning of Flink metric samples past their retention.</summary>
    public static readonly JobKey PruneFlinkMetrics = new("prune-flink-metrics", SystemGroup);

    public static readonly TriggerKey PruneFlinkMetricsTrigger = new("prune-flink-metrics", SystemGroup);

    /// <summary>The one-shot restart of a failed Flink run after its back-off (one per failed run, so it is stored once).</summary>
    public static JobKey AutoRestart(Guid failedRunId) => new($"auto-restart-{failedRunId:N}", FlinkGroup);

    public static TriggerKey AutoRestartTrigger(Guid failedRunId) => new($"auto-restart-{failedRunId:N}", FlinkGroup);

    /// <summary>The trigger of one schedule.</summary>
    public static TriggerKey ScheduleTrigger(Guid scheduleId) => new($"schedule-{scheduleId:N}", ScheduleGroup);
}
