using AllData.Domain.Scheduling;
using AllData.Infrastructure.Scheduling;

namespace AllData.Tests.Domain.Scheduling;

public sealed class SchedulingRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static ScheduleTimeline Timeline(string cron, string zone = "UTC", IEnumerable<DateOnly>? holidays = null)
    {
        var (timeline, problems) = ScheduleTimeline.Create(new ScheduleTiming(ScheduleKind.Cron, cron, null, zone, null, null), holidays, Now);
        Assert.Empty(problems);
        return timeline!;
    }

    [Theory]
    [InlineData("0 0 2 * *", "6 or 7 fields")]
    [InlineData("0 0 25 * * ?", "")]
    [InlineData("", "Enter a cron expression")]
    public void A_bad_cron_is_refused_at_its_field_with_a_message(string cron, string expected)
    {
        var (timeline, problems) = ScheduleTimeline.Create(new ScheduleTiming(ScheduleKind.Cron, cron, null, "UTC", null, null), null, Now);

        Assert.Null(timeline);
        var problem = Assert.Single(problems);
        Assert.Equal("cron", problem.Field);
        Assert.Contains(expected, problem.Message);
    }

    [Fact]
    public void An_unknown_time_zone_is_refused_at_its_field()
    {
        var (_, problems) = ScheduleTimeline.Create(new ScheduleTiming(ScheduleKind.Cron, "0 0 2 * * ?", null, "Mars/Olympus", null, null), null, Now);

        Assert.Equal("timeZone", Assert.Single(problems).Field);
    }

    [Fact]
    public void The_next_ten_fires_follow_the_cron_in_the_schedules_time_zone()
    {
        var next = Timeline("0 30 2 * * ?", "Asia/Shanghai").Next(Now, 10);

        Assert.Equal(10, next.Count);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 2, 30, 0, TimeSpan.FromHours(8)), next[0]);
        Assert.All(next, t => Assert.Equal(18, t.UtcDateTime.Hour));
    }

    [Fact]
    public void Holiday_dates_are_left_out_of_the_next_fires()
    {
        var next = Timeline("0 0 2 * * ?", holidays: [new DateOnly(2026, 12, 3)]).Next(Now, 2);

        Assert.Equal([new DateTimeOffset(2026, 12, 4, 2, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 5, 2, 0, 0, TimeSpan.Zero)], next);
    }

    [Fact]
    public void An_interval_counts_from_its_start()
    {
        var start = new DateTimeOffset(2026, 12, 2, 9, 0, 7, TimeSpan.Zero);
        var (timeline, _) = ScheduleTimeline.Create(new ScheduleTiming(ScheduleKind.Interval, null, 600, "UTC", start, null), null, Now);

        Assert.Equal([start.AddMinutes(60), start.AddMinutes(70)], timeline!.Next(Now, 2));
        Assert.Equal(start.AddMinutes(60), timeline.Previous(start.AddMinutes(70)));
    }

    [Fact]
    public void Slots_between_two_times_include_both_ends_rules()
    {
        var slots = Timeline("0 0 * * * ?").Between(Now, Now.AddHours(3));

        Assert.Equal([Now.AddHours(1), Now.AddHours(2), Now.AddHours(3)], slots);
    }

    [Fact]
    public void Logical_time_variables_use_the_slot_and_the_previous_slot_in_the_zone()
    {
        var slot = new DateTimeOffset(2026, 12, 1, 18, 30, 0, TimeSpan.Zero); // 02:30 on Dec 2 in Shanghai
        var variables = Timeline("0 30 2 * * ?", "Asia/Shanghai").VariablesFor(slot);

        Assert.Equal("2026-12-02", variables["logical_date"]);
        Assert.Equal("20261202", variables["logical_date_nodash"]);
        Assert.Equal("2026-12-02T02:30:00+08:00", variables["logical_time"]);
        Assert.Equal("2026-12-01", variables["prev_logical_date"]);
        Assert.Equal("2026-12-03", variables["next_logical_date"]);
        Assert.Equal("2026-12", variables["logical_month"]);
        Assert.Equal(LogicalTimeVariables.Names.Order(), variables.Keys.Order());
    }

    [Theory]
    [InlineData("0 30 2 * * ?", "CronAtTime:02:30:00|CronEveryDay")]
    [InlineData("0 */15 * ? * MON-FRI", "CronEveryNMinutes:15|CronOnWeekdays:MON-FRI")]
    [InlineData("*/10 * * * * ?", "CronEveryNSeconds:10|CronEveryDay")]
    [InlineData("0 0 6 L * ?", "CronAtTime:06:00:00|CronLastDayOfMonth")]
    [InlineData("0 5 * * * ?", "CronAtMinuteOfEveryHour:5|CronEveryDay")]
    public void A_cron_is_said_in_words(string cron, string expected)
    {
        var words = string.Join('|', CronWords.Describe(cron).Select(p => p.Args.Length == 0 ? p.Key : $"{p.Key}:{string.Join(',', p.Args)}"));

        Assert.Equal(expected, words);
    }

    [Theory]
    [InlineData("ERROR: syntax error at or near \"SELEC\" (SQLSTATE 42601)", false)]
    [InlineData("The variable ${day} is not defined.", false)]
    [InlineData("relation \"orders\" does not exist", false)]
    [InlineData("division by zero", true)]
    [InlineData("Connection refused", true)]
    [InlineData(null, false)]
    public void Only_failures_a_retry_can_fix_are_retried(string? error, bool retryable) =>
        Assert.Equal(retryable, FailureKinds.IsRetryable(error));

    [Fact]
    public void Exponential_back_off_doubles_the_delay_up_to_its_cap()
    {
        var policy = RetryPolicy.Create(3, TimeSpan.FromMinutes(1), exponential: true);

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4)], [policy.DelayBefore(2), policy.DelayBefore(3), policy.DelayBefore(4)]);
        Assert.Equal(RetryPolicy.MaxDelay, RetryPolicy.Create(10, TimeSpan.FromHours(1), true).DelayBefore(11));
        Assert.False(policy.ShouldRetry(4, "timeout"));
    }

    [Theory]
    [InlineData(OverlapPolicy.Skip, true, false, OverlapDecision.Skip)]
    [InlineData(OverlapPolicy.QueueOne, true, false, OverlapDecision.Queue)]
    [InlineData(OverlapPolicy.QueueOne, true, true, OverlapDecision.Skip)]
    [InlineData(OverlapPolicy.CancelPrevious, true, false, OverlapDecision.CancelPreviousThenStart)]
    [InlineData(OverlapPolicy.Allow, true, true, OverlapDecision.Start)]
    [InlineData(OverlapPolicy.Skip, false, false, OverlapDecision.Start)]
    public void The_overlap_policy_decides_what_a_busy_slot_does(OverlapPolicy policy, bool previousActive, bool queued, OverlapDecision expected) =>
        Assert.Equal(expected, OverlapRules.Decide(policy, previousActive, queued));
}
