using AllData.Domain.Alerts;
using AllData.Domain.Common;

namespace AllData.Tests.Domain.Alerts;

public sealed class AlertStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly AlertTiming NoPending = AlertTiming.Default;
    private static readonly AlertTiming TwoMinutes = new(TimeSpan.FromMinutes(2), null, TimeSpan.FromSeconds(30));

    private static AlertInstance NewInstance() => new(Guid.NewGuid(), Guid.NewGuid(), AlertSubject.Job(Guid.NewGuid(), "orders"), T0);

    [Fact]
    public void Condition_holding_without_pending_period_fires_at_once_with_sequence_one()
    {
        var alert = NewInstance();
        var t = alert.Observe(true, T0, "run failed", NoPending);
        Assert.Equal(new AlertTransition(AlertNotificationKind.Firing, 1, T0, "run failed"), t);
        Assert.Equal(AlertState.Firing, alert.State);
    }

    [Fact]
    public void Holding_again_while_firing_notifies_nothing()
    {
        var alert = NewInstance();
        alert.Observe(true, T0, "failed", NoPending);
        Assert.Null(alert.Observe(true, T0.AddMinutes(1), "failed again", NoPending));
        Assert.Null(alert.Tick(T0.AddHours(5), NoPending));
        Assert.Equal(1, alert.Sequence);
    }

    [Fact]
    public void Pending_period_is_respected_before_firing()
    {
        var alert = NewInstance();
        Assert.Null(alert.Observe(true, T0, "unknown", TwoMinutes));
        Assert.Equal(AlertState.Pending, alert.State);
        Assert.Null(alert.Tick(T0.AddSeconds(119), TwoMinutes));
        var fired = alert.Tick(T0.AddMinutes(2), TwoMinutes);
        Assert.Equal(AlertNotificationKind.Firing, fired?.Kind);
    }

    [Fact]
    public void Condition_clearing_while_pending_goes_back_to_normal_silently()
    {
        var alert = NewInstance();
        alert.Observe(true, T0, "unknown", TwoMinutes);
        Assert.Null(alert.Observe(false, T0.AddMinutes(1), "back", TwoMinutes));
        Assert.Equal(AlertState.Normal, alert.State);
        Assert.Equal(0, alert.Sequence);
    }

    [Fact]
    public void Condition_clearing_while_firing_resolves_once()
    {
        var alert = NewInstance();
        alert.Observe(true, T0, "failed", NoPending);
        var resolved = alert.Observe(false, T0.AddMinutes(3), "succeeded", NoPending);
        Assert.Equal(new AlertTransition(AlertNotificationKind.Resolved, 2, T0.AddMinutes(3), "succeeded"), resolved);
        Assert.Null(alert.Observe(false, T0.AddMinutes(4), "succeeded", NoPending));
        Assert.Equal(AlertState.Resolved, alert.State);
    }

    [Fact]
    public void Resolved_alert_fires_again_with_the_next_sequence()
    {
        var alert = NewInstance();
        alert.Observe(true, T0, "failed", NoPending);
        alert.Observe(false, T0.AddMinutes(1), "ok", NoPending);
        var again = alert.Observe(true, T0.AddMinutes(2), "failed", NoPending);
        Assert.Equal((AlertNotificationKind.Firing, 3L), (again!.Kind, again.Sequence));
    }

    [Fact]
    public void Reminders_are_off_by_default()
    {
        Assert.Null(AlertTiming.Default.ReminderEvery);
        var alert = NewInstance();
        alert.Observe(true, T0, "failed", AlertTiming.Default);
        Assert.Null(alert.Tick(T0.AddDays(2), AlertTiming.Default));
    }

    [Fact]
    public void Reminder_repeats_while_firing_until_acknowledged()
    {
        var timing = new AlertTiming(TimeSpan.Zero, TimeSpan.FromMinutes(10), TimeSpan.Zero);
        var alert = NewInstance();
        alert.Observe(true, T0, "failed", timing);
        Assert.Null(alert.Tick(T0.AddMinutes(9), timing));
        Assert.Equal(AlertNotificationKind.Reminder, alert.Tick(T0.AddMinutes(10), timing)?.Kind);
        alert.Acknowledge("ann", T0.AddMinutes(11));
        Assert.Null(alert.Tick(T0.AddMinutes(30), timing));
    }

    [Fact]
    public void Acknowledging_an_alert_that_is_not_firing_is_refused()
    {
        var alert = NewInstance();
        Assert.Throws<DomainException>(() => alert.Acknowledge("ann", T0));
    }

    [Fact]
    public void Cluster_unreachable_waits_at_least_its_minutes()
    {
        var rule = new AlertRule(Guid.NewGuid(), "cluster down", new AlertScope(AlertScopeKind.Cluster, Guid.NewGuid()),
            new AlertCondition(AlertConditionKind.ClusterUnreachable, Minutes: 5), AlertTiming.Default, [Guid.NewGuid()], "ann", T0);
        Assert.Equal(TimeSpan.FromMinutes(5), rule.Timing.PendingFor);
    }
}

public sealed class AlertRuleValidationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static AlertRule Make(AlertScope scope, AlertCondition condition, params Guid[] channels) =>
        new(Guid.NewGuid(), "r", scope, condition, AlertTiming.Default, channels.Length == 0 ? [Guid.NewGuid()] : channels, "ann", T0);

    [Theory]
    [InlineData(AlertConditionKind.RunUnknownFor)]
    [InlineData(AlertConditionKind.ClusterUnreachable)]
    [InlineData(AlertConditionKind.NoSuccessSince)]
    [InlineData(AlertConditionKind.RestartedTooOften)]
    [InlineData(AlertConditionKind.CheckpointFailures)]
    [InlineData(AlertConditionKind.RunTooLong)]
    public void Condition_without_its_numbers_is_refused_with_a_message(AlertConditionKind kind)
    {
        var e = Assert.Throws<DomainException>(() => Make(AlertScope.AllJobs, new AlertCondition(kind)));
        Assert.StartsWith("Give", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Job_scope_needs_a_job()
    {
        var e = Assert.Throws<DomainException>(() => Make(new AlertScope(AlertScopeKind.Job), AlertCondition.RunFailed()));
        Assert.Equal("Choose the job the rule watches.", e.Message);
    }

    [Fact]
    public void Quality_condition_needs_the_table_scope()
    {
        Assert.Throws<DomainException>(() => Make(AlertScope.AllJobs, new AlertCondition(AlertConditionKind.QualityFailed)));
        var ok = Make(new AlertScope(AlertScopeKind.Table, TableName: " public.orders "), new AlertCondition(AlertConditionKind.QualityFailed, ScoreBelow: 80));
        Assert.Equal("public.orders", ok.Scope.TableName);
    }

    [Fact]
    public void A_rule_needs_a_channel()
    {
        var e = Assert.Throws<DomainException>(() => new AlertRule(Guid.NewGuid(), "r", AlertScope.AllJobs, AlertCondition.RunFailed(),
            AlertTiming.Default, [], "ann", T0));
        Assert.Equal("Choose at least one channel to notify.", e.Message);
    }

    [Fact]
    public void Unused_parameters_are_dropped()
    {
        var rule = Make(AlertScope.AllJobs, new AlertCondition(AlertConditionKind.RunFailed, Minutes: 5, Hours: 3));
        Assert.Equal(AlertCondition.RunFailed(), rule.Condition);
    }

    [Fact]
    public void Run_too_long_by_minutes_or_by_median()
    {
        var c = new AlertCondition(AlertConditionKind.RunTooLong, Minutes: 60, MedianFactor: 2).Validate();
        var median = AlertCondition.Median([TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(11)]);
        Assert.Equal(TimeSpan.FromMinutes(11), median);
        Assert.True(c.IsTooLong(TimeSpan.FromMinutes(23), median));
        Assert.False(c.IsTooLong(TimeSpan.FromMinutes(21), median));
        Assert.True(c.IsTooLong(TimeSpan.FromMinutes(61), null));
    }

    [Fact]
    public void Median_needs_three_runs()
    {
        Assert.Null(AlertCondition.Median([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)]));
    }
}

public sealed class AlertSilenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Silence_of_a_rule_mutes_only_that_rule_during_its_period()
    {
        var rule = Guid.NewGuid();
        var s = new AlertSilence(Guid.NewGuid(), rule, null, T0, T0.AddHours(1), "maintenance", "ann", T0);
        Assert.True(s.Mutes(rule, "job:x", T0.AddMinutes(30)));
        Assert.False(s.Mutes(Guid.NewGuid(), "job:x", T0.AddMinutes(30)));
        Assert.False(s.Mutes(rule, "job:x", T0.AddHours(1)));
    }

    [Fact]
    public void Silence_of_one_subject_leaves_the_others()
    {
        var s = new AlertSilence(Guid.NewGuid(), null, "cluster:a", T0, T0.AddHours(1), "upgrade", "ann", T0);
        Assert.True(s.Mutes(Guid.NewGuid(), "cluster:a", T0));
        Assert.False(s.Mutes(Guid.NewGuid(), "cluster:b", T0));
    }

    [Fact]
    public void Silence_needs_a_reason()
    {
        Assert.Throws<DomainException>(() => new AlertSilence(Guid.NewGuid(), null, null, T0, T0.AddHours(1), " ", "ann", T0));
    }

    [Fact]
    public void Ended_silence_mutes_nothing_after()
    {
        var s = new AlertSilence(Guid.NewGuid(), null, null, T0, T0.AddHours(1), "x", "ann", T0);
        s.End(T0.AddMinutes(5));
        Assert.False(s.Mutes(Guid.NewGuid(), "job:x", T0.AddMinutes(6)));
    }
}

public sealed class AlertDeliveryRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Within_the_budget_every_group_goes_out_alone()
    {
        Assert.Equal(new RatePlan(3, false, null), AlertRateShaper.Plan(3, [T0.AddSeconds(-10)], 20, T0));
    }

    [Fact]
    public void Over_the_budget_the_rest_is_folded_into_one_digest()
    {
        var sent = Enumerable.Range(0, 18).Select(i => T0.AddSeconds(-i)).ToList();
        Assert.Equal(new RatePlan(1, true, null), AlertRateShaper.Plan(10, sent, 20, T0));
    }

    [Fact]
    public void With_no_budget_left_everything_waits_for_the_minute_to_free_up()
    {
        var sent = Enumerable.Range(0, 20).Select(i => T0.AddSeconds(-i)).ToList();
        var plan = AlertRateShaper.Plan(5, sent, 20, T0);
        Assert.Equal(0, plan.SendIndividually);
        Assert.Equal(T0.AddSeconds(-19) + TimeSpan.FromMinutes(1), plan.DeferUntil);
    }

    [Fact]
    public void A_notification_soon_after_one_was_sent_waits_for_the_group_window()
    {
        var window = TimeSpan.FromSeconds(30);
        Assert.Equal(T0, AlertGrouping.DueAt(T0, null, window));
        Assert.Equal(T0.AddSeconds(20), AlertGrouping.DueAt(T0, T0.AddSeconds(-10), window));
        Assert.Equal(T0.AddSeconds(20), AlertGrouping.DueAt(T0.AddSeconds(5), T0.AddSeconds(20), window));
        Assert.Equal(T0, AlertGrouping.DueAt(T0, T0, window));
        Assert.Equal(T0, AlertGrouping.DueAt(T0, T0.AddSeconds(-31), window));
    }

    [Fact]
    public void Retries_back_off_and_stop_after_the_maximum()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), AlertNotification.BackOff(1));
        Assert.Equal(TimeSpan.FromSeconds(20), AlertNotification.BackOff(3));
        Assert.Equal(TimeSpan.FromMinutes(10), AlertNotification.BackOff(11));
    }

    [Fact]
    public void Grouped_message_lists_every_subject_with_its_link_in_english_and_chinese()
    {
        var items = new[]
        {
            new AlertMessageItem("Failures", AlertNotificationKind.Firing, "orders", "division by zero", T0, "https://a/runs/1"),
            new AlertMessageItem("Failures", AlertNotificationKind.Firing, "users", "timeout", T0, "https://a/runs/2"),
        };
        var en = AlertTemplates.Render(new AlertMessage(Guid.NewGuid(), items, false, T0), "en");
        Assert.Equal("[FIRING] Failures", en.Title);
        Assert.Equal("FIRING: Failures (2 subjects)\n- orders: division by zero (2026-12-01 10:00:00 UTC) https://a/runs/1\n"
            + "- users: timeout (2026-12-01 10:00:00 UTC) https://a/runs/2", en.Body);
        var zh = AlertTemplates.Render(new AlertMessage(Guid.NewGuid(), items, false, T0), "zh-CN");
        Assert.Equal("【告警】Failures", zh.Title);
    }

    [Fact]
    public void Custom_template_fills_placeholders()
    {
        var items = new[] { new AlertMessageItem("R", AlertNotificationKind.Resolved, "orders", "ok", T0, null) };
        var r = AlertTemplates.Render(new AlertMessage(Guid.NewGuid(), items, false, T0), "en", "{rule} is {state}", "{subjects}");
        Assert.Equal(("R is RESOLVED", "- orders: ok (2026-12-01 10:00:00 UTC)"), (r.Title, r.Body));
    }

    [Fact]
    public void Channel_secrets_show_only_scheme_and_host()
    {
        Assert.Equal("https://oapi.dingtalk.com/…", AlertChannelSecrets.Display("https://oapi.dingtalk.com/robot/send?access_token=abc"));
    }

    [Fact]
    public void Email_channel_settings_need_host_port_sender_and_recipients()
    {
        var e = Assert.Throws<DomainException>(() => new AlertChannelSettings { SmtpHost = "smtp", SmtpPort = 25, From = "a@b.c", To = "nope" }
            .Validate(AlertChannelKind.Email));
        Assert.Equal("'nope' is not an e-mail address.", e.Message);
    }
}
