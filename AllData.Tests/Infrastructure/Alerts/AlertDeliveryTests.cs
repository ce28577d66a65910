using System.Net;
using System.Text.Json;
using AllData.Domain.Alerts;
using AllData.Infrastructure.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;

namespace AllData.Tests.Infrastructure.Alerts;

/// <summary>Rules evaluated from stored status changes, delivered through the outbox to a local SMTP server and webhook receiver.</summary>
public sealed class AlertDeliveryTests : IAsyncLifetime
{
    private readonly AlertsHost _host = new();
    private HttpReceiver _webhook = default!;
    private SimpleSmtpServer _smtp = default!;

    public async Task InitializeAsync()
    {
        await _host.InitializeAsync();
        _webhook = await HttpReceiver.StartAsync();
        _smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
    }

    public async Task DisposeAsync()
    {
        _smtp.Dispose();
        await _webhook.DisposeAsync();
        await _host.DisposeAsync();
    }

    private async Task<(Guid Email, Guid Webhook)> ChannelsAsync(int? maxPerMinute = null)
    {
        await using var scope = _host.Scope();
        var alerts = AlertsHost.Alerts(scope);
        var email = await alerts.SaveChannelAsync(null, new AlertChannelInput("ops mail", AlertChannelKind.Email,
            new AlertChannelSettings { SmtpHost = "127.0.0.1", SmtpPort = _smtp.Configuration.Port, SmtpSecurity = SmtpSecurity.None, From = "alldata@example.com", To = "ops@example.com" },
            null, null, null));
        var webhook = await alerts.SaveChannelAsync(null, new AlertChannelInput("hook", AlertChannelKind.Webhook,
            new AlertChannelSettings { MaxPerMinute = maxPerMinute }, _webhook.Url + "/hook", "s3cret", null));
        return (email, webhook);
    }

    private async Task<Guid> RuleAsync(string name, IReadOnlyList<Guid> channels, int pendingMinutes = 0, int groupSeconds = 30, AlertScope? scope = null)
    {
        await using var s = _host.Scope();
        return await AlertsHost.Alerts(s).SaveRuleAsync(null, new AlertRuleInput(name, scope ?? AlertScope.AllJobs, AlertCondition.RunFailed(), pendingMinutes, null,
            groupSeconds, channels));
    }

    private async Task EvaluateAndDispatchAsync()
    {
        await _host.Evaluator().EvaluateAsync();
        await _host.Dispatcher().DispatchAsync();
    }

    [Fact]
    public async Task Run_failing_sends_one_email_and_one_webhook_and_the_next_success_one_resolved_message()
    {
        var (email, webhook) = await ChannelsAsync();
        await RuleAsync("failures", [email, webhook]);
        var job = await _host.CreateJobAsync("orders");
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        var run = await _host.RunAsync(job, fail: true);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));

        await EvaluateAndDispatchAsync();
        await EvaluateAndDispatchAsync();

        Assert.Equal(1, _smtp.ReceivedEmailCount);
        Assert.Equal("[FIRING] failures", _smtp.ReceivedEmail[0].Subject);
        Assert.Contains($"http://alldata.test/operations/runs/{run}", _smtp.ReceivedEmail[0].MessageParts[0].BodyData, StringComparison.Ordinal);
        var fired = Assert.Single(_webhook.Requests);
        using (var doc = JsonDocument.Parse(fired.Body))
        {
            Assert.Equal("firing", doc.RootElement.GetProperty("state").GetString());
            Assert.Equal("division by zero", doc.RootElement.GetProperty("alerts")[0].GetProperty("reason").GetString());
            // The firing message carries the signed acknowledge link, which names this alert.
            var ack = doc.RootElement.GetProperty("alerts")[0].GetProperty("acknowledgeLink").GetString()!;
            Assert.StartsWith("http://alldata.test/alerts/ack?token=", ack, StringComparison.Ordinal);
            Assert.Contains("acknowledge: http://alldata.test/alerts/ack?token=", _smtp.ReceivedEmail[0].MessageParts[0].BodyData, StringComparison.Ordinal);
            var links = _host.First.GetRequiredService<AlertAckLinks>();
            await using var db = _host.Database.CreateContext(_host.WorkspaceId);
            var alertId = await db.Set<AlertInstance>().Select(i => i.Id).SingleAsync();
            Assert.Equal(alertId, links.Read(Uri.UnescapeDataString(ack[(ack.IndexOf('=') + 1)..])));
            Assert.Null(links.Read("not-a-token"));
        }

        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        await _host.RunAsync(job, fail: false);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await EvaluateAndDispatchAsync();
        await EvaluateAndDispatchAsync();

        Assert.Equal(2, _smtp.ReceivedEmailCount);
        Assert.Equal(["[FIRING] failures", "[RESOLVED] failures"], _smtp.ReceivedEmail.Select(m => m.Subject).Order());
        Assert.Equal(2, _webhook.Requests.Count);
    }

    [Fact]
    public async Task Two_instances_evaluating_and_dispatching_at_once_still_send_once()
    {
        var (email, webhook) = await ChannelsAsync();
        await RuleAsync("failures", [email, webhook]);
        var job = await _host.CreateJobAsync("orders");
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await _host.RunAsync(job, fail: true);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));

        await Task.WhenAll(
            Task.Run(() => _host.Evaluator(_host.First).EvaluateAsync()),
            Task.Run(() => _host.Evaluator(_host.Second).EvaluateAsync()));
        await Task.WhenAll(
            Task.Run(() => _host.Evaluator(_host.Second).EvaluateAsync()),
            Task.Run(() => _host.Dispatcher(_host.First).DispatchAsync()),
            Task.Run(() => _host.Dispatcher(_host.Second).DispatchAsync()));
        await Task.WhenAll(
            Task.Run(() => _host.Dispatcher(_host.First).DispatchAsync()),
            Task.Run(() => _host.Dispatcher(_host.Second).DispatchAsync()));

        Assert.Equal(1, _smtp.ReceivedEmailCount);
        Assert.Single(_webhook.Requests);
        await using var db = _host.Database.CreateContext(_host.WorkspaceId);
        Assert.Equal(1, await db.Set<AlertEvent>().CountAsync());
    }

    [Fact]
    public async Task Webhook_answering_500_for_a_while_is_retried_delivered_once_and_every_attempt_logged()
    {
        var (_, webhook) = await ChannelsAsync();
        await RuleAsync("failures", [webhook]);
        _webhook.Answer = n => n < 2 ? (500, "busy") : (200, "ok");
        var job = await _host.CreateJobAsync("orders");
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await _host.RunAsync(job, fail: true);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));

        await EvaluateAndDispatchAsync();
        await _host.Dispatcher().DispatchAsync();
        Assert.Single(_webhook.Requests);
        _host.Clock.Advance(TimeSpan.FromSeconds(5));
        await _host.Dispatcher().DispatchAsync();
        _host.Clock.Advance(TimeSpan.FromSeconds(10));
        await _host.Dispatcher().DispatchAsync();
        _host.Clock.Advance(TimeSpan.FromMinutes(5));
        await _host.Dispatcher().DispatchAsync();

        Assert.Equal(3, _webhook.Requests.Count);
        await using var scope = _host.Scope();
        var alerts = AlertsHost.Alerts(scope);
        var history = Assert.Single(await alerts.HistoryAsync(null));
        Assert.Equal(1, history.Delivered);
        var attempts = await alerts.DeliveriesAsync(history.Id);
        Assert.Equal([500, 500, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal([false, false, true], attempts.Select(a => a.Succeeded ?? false));
        Assert.StartsWith("HTTP 500", attempts[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silence_suppresses_sending_but_the_alert_is_recorded()
    {
        var (email, _) = await ChannelsAsync();
        var rule = await RuleAsync("failures", [email]);
        await using (var scope = _host.Scope())
        {
            await AlertsHost.Alerts(scope).AddSilenceAsync(rule, null, TimeSpan.FromHours(1), "maintenance window");
        }

        var job = await _host.CreateJobAsync("orders");
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await _host.RunAsync(job, fail: true);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await EvaluateAndDispatchAsync();

        Assert.Equal(0, _smtp.ReceivedEmailCount);
        await using var s = _host.Scope();
        var recorded = Assert.Single(await AlertsHost.Alerts(s).HistoryAsync(null));
        Assert.True(recorded.Silenced);
        Assert.Equal(AlertState.Firing, Assert.Single(await AlertsHost.Alerts(s).ListAlertsAsync(true)).State);
    }

    [Fact]
    public async Task Pending_period_is_respected_before_the_first_notification()
    {
        var (email, _) = await ChannelsAsync();
        await RuleAsync("failures", [email], pendingMinutes: 5);
        var job = await _host.CreateJobAsync("orders");
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await _host.RunAsync(job, fail: true);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await EvaluateAndDispatchAsync();
        _host.Clock.Advance(TimeSpan.FromMinutes(4));
        await EvaluateAndDispatchAsync();
        Assert.Equal(0, _smtp.ReceivedEmailCount);

        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        await EvaluateAndDispatchAsync();
        Assert.Equal(1, _smtp.ReceivedEmailCount);
    }

    [Fact]
    public async Task Alerts_of_one_rule_within_the_window_go_out_as_one_message_listing_the_subjects()
    {
        var (_, webhook) = await ChannelsAsync();
        await RuleAsync("failures", [webhook]);
        var a = await _host.CreateJobAsync("orders");
        var b = await _host.CreateJobAsync("users");
        var c = await _host.CreateJobAsync("payments");
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await _host.RunAsync(a, fail: true);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await EvaluateAndDispatchAsync();
        Assert.Single(_webhook.Requests);

        _host.Clock.Advance(TimeSpan.FromSeconds(5));
        await _host.RunAsync(b, fail: true);
        await _host.RunAsync(c, fail: true);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await EvaluateAndDispatchAsync();
        Assert.Single(_webhook.Requests);

        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        await _host.Dispatcher().DispatchAsync();
        Assert.Equal(2, _webhook.Requests.Count);
        using var doc = JsonDocument.Parse(_webhook.Requests.Last().Body);
        Assert.Equal(["payments", "users"], doc.RootElement.GetProperty("alerts").EnumerateArray().Select(x => x.GetProperty("subject").GetString()).Order());
    }

    [Fact]
    public async Task Over_the_channel_rate_messages_are_folded_into_a_digest_never_dropped()
    {
        var (_, webhook) = await ChannelsAsync(maxPerMinute: 2);
        foreach (var name in new[] { "r1", "r2", "r3", "r4" })
        {
            await RuleAsync(name, [webhook]);
        }

        var job = await _host.CreateJobAsync("orders");
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await _host.RunAsync(job, fail: true);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        await EvaluateAndDispatchAsync();

        Assert.Equal(2, _webhook.Requests.Count);
        using var digest = JsonDocument.Parse(_webhook.Requests.Last().Body);
        Assert.True(digest.RootElement.GetProperty("digest").GetBoolean());
        Assert.Equal(3, digest.RootElement.GetProperty("alerts").GetArrayLength());
    }
}
