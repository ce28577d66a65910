using AllData.Domain.Alerts;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Alerts;

/// <summary>Encrypts channel secrets at rest with ASP.NET Data Protection (its key ring is in the store).</summary>
internal sealed class AlertChannelSecretStore(Secrets secrets)
{
    private const string Purpose = "AllData.Alerts.ChannelSecrets.v1";

    public string Protect(AlertChannelSecrets value) => secrets.Protect(Purpose, value.ToJson());

    public AlertChannelSecrets Unprotect(AlertChannel channel) => AlertChannelSecrets.FromJson(secrets.Unprotect(Purpose, channel.ProtectedSecrets));
}

/// <summary>Renders messages in the workspace's language with the channel's templates, and the links back to AllData.</summary>
internal sealed class AlertRendering(IOptions<AlertOptions> options, AlertAckLinks acks)
{
    public string? RunLink(Guid? runId) => runId is { } id && Base is { } b ? $"{b}/operations/runs/{id}" : null;

    /// <summary>The signed link that acknowledges a firing alert (stops its reminders).</summary>
    public string? AckLink(Guid alertId, AlertNotificationKind kind) =>
        kind is AlertNotificationKind.Firing or AlertNotificationKind.Reminder && Base is { } b
            ? $"{b}/alerts/ack?token={Uri.EscapeDataString(acks.TokenFor(alertId))}"
            : null;

    public string? AlertsLink() => Base is { } b ? $"{b}/alerts" : null;

    public static RenderedAlert Render(AlertChannel channel, AlertMessage message, string language) =>
        AlertTemplates.Render(message, language, channel.Settings.TitleTemplate, channel.Settings.BodyTemplate);

    private string? Base => string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.TrimEnd('/');
}

public sealed record AlertDispatchResult(int Claimed, int MessagesSent, int MessagesFailed, int Deferred);

/// <summary>
/// Delivers the outbox. Due notifications are claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so any number of
/// instances share the work and no row is sent by two. Notifications of one rule and kind on one channel go out as one
/// message; over the channel's rate they are folded into a digest. Each attempt is logged; failures are retried with back-off.
/// </summary>
internal sealed class AlertDispatcher(
    IDbContextFactory<AllDataDbContext> factory,
    TimeProvider clock,
    AlertSenders senders,
    AlertChannelSecretStore secrets,
    AlertRendering rendering,
    ILogger<AlertDispatcher> logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private readonly Guid _instance = Guid.NewGuid();

    public async Task<AlertDispatchResult> DispatchAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var ids = await db.Database.SqlQuery<Guid>($"""
            UPDATE alert_notifications SET claimed_by = {_instance}, claimed_until = {now + Lease}
            WHERE id IN (
                SELECT id FROM alert_notifications
                WHERE status = 'Pending' AND due_at <= {now} AND (claimed_until IS NULL OR claimed_until < {now})
                ORDER BY due_at
                LIMIT 500
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return new AlertDispatchResult(0, 0, 0, 0);
        }

        var notifications = await db.Set<AlertNotification>().IgnoreQueryFilters().Where(n => ids.Contains(n.Id)).ToListAsync(ct);
        var eventIds = notifications.Select(n => n.EventId).Distinct().ToList();
        var events = await db.Set<AlertEvent>().IgnoreQueryFilters().AsNoTracking().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        var ruleIds = notifications.Select(n => n.RuleId).Distinct().ToList();
        var ruleNames = await db.Set<AlertRule>().IgnoreQueryFilters().AsNoTracking().Where(r => ruleIds.Contains(r.Id))
            .ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        var channelIds = notifications.Select(n => n.ChannelId).Distinct().ToList();
        var channels = await db.Set<AlertChannel>().IgnoreQueryFilters().AsNoTracking().Where(c => channelIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var workspaceIds = channels.Values.Select(c => c.WorkspaceId).Distinct().ToList();
        var languages = await db.Set<AlertWorkspaceSettings>().IgnoreQueryFilters().AsNoTracking().Where(s => workspaceIds.Contains(s.WorkspaceId))
            .ToDictionaryAsync(s => s.WorkspaceId, s => s.Language, ct);

        int sent = 0, failed = 0, deferred = 0;
        foreach (var byChannel in notifications.GroupBy(n => n.ChannelId))
        {
            var channel = channels[byChannel.Key];
            var groups = byChannel.GroupBy(n => (n.RuleId, n.Kind)).Select(g => g.OrderBy(n => n.CreatedAt).ToList()).OrderBy(g => g[0].DueAt).ToList();
            var minuteAgo = now - AlertRateShaper.Window;
            var sentTimes = await db.Set<AlertDeliveryAttempt>().IgnoreQueryFilters().AsNoTracking()
                .Where(a => a.ChannelId == channel.Id && a.Succeeded && a.At > minuteAgo)
                .GroupBy(a => a.MessageId).Select(g => g.Min(a => a.At)).ToListAsync(ct);
            var plan = AlertRateShaper.Plan(groups.Count, sentTimes, channel.MaxPerMinute, now);
            if (plan.DeferUntil is { } until)
            {
                foreach (var n in byChannel)
                {
                    n.Defer(until);
                }

                deferred += byChannel.Count();
                continue;
            }

            List<(List<AlertNotification> Notes, bool Digest)> messages = [.. groups.Take(plan.SendIndividually).Select(g => (g, false))];
            if (plan.FoldRestIntoDigest)
            {
                messages.Add(([.. groups.Skip(plan.SendIndividually).SelectMany(g => g).OrderBy(n => n.CreatedAt)], true));
            }

            var language = languages.GetValueOrDefault(channel.WorkspaceId, "en");
            AlertChannelSecrets channelSecrets;
            try
            {
                channelSecrets = secrets.Unprotect(channel);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                logger.LogError(e, "Secrets of alert channel {ChannelId} cannot be decrypted", channel.Id);
                foreach (var n in byChannel)
                {
                    n.MarkAttemptFailed("The channel's secrets cannot be decrypted; save the channel again.", now);
                }

                failed++;
                continue;
            }

            foreach (var (notes, digest) in messages)
            {
                var items = notes.Select(n => events[n.EventId]).Select(e => new AlertMessageItem(
                    ruleNames.GetValueOrDefault(e.RuleId, "?"), e.Kind, e.SubjectName, e.Reason, e.At, rendering.RunLink(e.RunId),
                    rendering.AckLink(e.InstanceId, e.Kind))).ToList();
                var message = new AlertMessage(Guid.CreateVersion7(now), items, digest, now);
                var result = await senders.SendAsync(new AlertSendRequest(channel, channelSecrets, message, AlertRendering.Render(channel, message, language)), ct);
                var at = clock.GetUtcNow();
                foreach (var n in notes)
                {
                    db.Add(new AlertDeliveryAttempt(n.WorkspaceId, n.Id, message.Id, channel.Id, at, result.Succeeded, result.StatusCode, result.Error,
                        result.Latency, digest));
                    if (result.Succeeded)
                    {
                        n.MarkDelivered(message.Id, at);
                    }
                    else
                    {
                        n.MarkAttemptFailed(result.Error ?? "failed", at);
                    }
                }

                if (result.Succeeded)
                {
                    sent++;
                }
                else
                {
                    failed++;
                    logger.LogWarning("Alert message {MessageId} to channel {ChannelId} failed: {Error}", message.Id, channel.Id, result.Error);
                }
            }
        }

        foreach (var n in notifications)
        {
            db.Entry(n).Property("ClaimedBy").CurrentValue = null;
            db.Entry(n).Property("ClaimedUntil").CurrentValue = null;
        }

        await db.SaveChangesAsync(ct);
        return new AlertDispatchResult(notifications.Count, sent, failed, deferred);
    }
}
