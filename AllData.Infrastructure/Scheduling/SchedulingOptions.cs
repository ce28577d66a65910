using System.ComponentModel.DataAnnotations;

namespace AllData.Infrastructure.Scheduling;

/// <summary>Settings of the clustered scheduler (section <c>Scheduling</c>).</summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>How often this node tells the cluster it is alive; a node silent for longer (plus the threshold) is taken over.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(7);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How late a slot may fire and still count as on time; later ones are missed slots.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the cluster looks for missed slots, queued slots, retries and timeouts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TendInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often running backfills are looked at: ended slots counted, the next ones started.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan BackfillInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 200)]
    public int MaxConcurrency { get; set; } = 20;

    /// <summary>False: the scheduler is registered (schedules can be edited) but this node fires nothing.</summary>
    public bool RunScheduler { get; set; } = true;
}
