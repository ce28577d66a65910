using AllData.Domain.Common;

namespace AllData.Domain.Alerts;

/// <summary>One step of an alert's history (fired, resolved, reminded, acknowledged); written once, never changed.</summary>
public sealed class AlertEvent : IWorkspaceOwned
{
    private AlertEvent()
    {
        SubjectKey = SubjectName = Reason = string.Empty;
    }

    public AlertEvent(AlertInstance instance, AlertTransition transition, bool silenced)
    {
        Id = Guid.CreateVersion7(transition.At);
        WorkspaceId = instance.WorkspaceId;
        RuleId = instance.RuleId;
        InstanceId = instance.Id;
        SubjectKey = instance.SubjectKey;
        SubjectName = instance.SubjectName;
        RunId = instance.RunId;
        Kind = transition.Kind;
        Sequence = transition.Sequence;
        At = transition.At;
        Reason = transition.Reason.Length <= AlertInstance.MaxReasonLength ? transition.Reason : transition.Reason[..AlertInstance.MaxReasonLength];
        Silenced = silenced;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid RuleId { get; private set; }

    public Guid InstanceId { get; private set; }

    public string SubjectKey { get; private set; }

    public string SubjectName { get; private set; }

    public Guid? RunId { get; private set; }

    public AlertNotificationKind Kind { get; private set; }

    public long Sequence { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string Reason { get; private set; }

    /// <summary>A silence muted it: recorded, not sent.</summary>
    public bool Silenced { get; private set; }
}

public enum AlertNotificationStatus
{
    /// <summary>Waiting to be sent (or to be retried at <see cref="AlertNotification.DueAt"/>).</summary>
    Pending,
    Delivered,

    /// <summary>Gave up after <see cref="AlertNotification.MaxAttempts"/> attempts.</summary>
    Failed,
}

/// <summary>
/// The outbox: one row per (rule, subject, transition sequence, channel), unique, written in the transaction that made the
/// transition. A dispatcher claims due rows with FOR UPDATE SKIP LOCKED, sends, and marks them; nothing is sent twice.
/// </summary>
public sealed class AlertNotification : IWorkspaceOwned
{
    public const int MaxAttempts = 12;

    private AlertNotification()
    {
        SubjectKey = string.Empty;
    }

    public AlertNotification(AlertEvent alertEvent, Guid channelId, DateTimeOffset dueAt)
    {
        Id = Guid.CreateVersion7(alertEvent.At);
        WorkspaceId = alertEvent.WorkspaceId;
        RuleId = alertEvent.RuleId;
        EventId = alertEvent.Id;
        SubjectKey = alertEvent.SubjectKey;
        Sequence = alertEvent.Sequence;
        Kind = alertEvent.Kind;
        ChannelId = channelId;
        CreatedAt = alertEvent.At;
        DueAt = dueAt < alertEvent.At ? alertEvent.At : dueAt;
        Status = AlertNotificationStatus.Pending;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid RuleId { get; private set; }

    public Guid EventId { get; private set; }

    public string SubjectKey { get; private set; }

    public long Sequence { get; private set; }

    public AlertNotificationKind Kind { get; private set; }

    public Guid ChannelId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset DueAt { get; private set; }

    public AlertNotificationStatus Status { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>The message that carried it (a grouped message or a digest carries several notifications).</summary>
    public Guid? MessageId { get; private set; }

    public string? LastError { get; private set; }

    public void MarkDelivered(Guid messageId, DateTimeOffset at)
    {
        Status = AlertNotificationStatus.Delivered;
        DeliveredAt = at;
        MessageId = messageId;
        Attempts++;
        LastError = null;
    }

    /// <summary>A failed attempt: retried with back-off (5 s, 10 s, 20 s … at most 10 minutes) until <see cref="MaxAttempts"/>.</summary>
    public void MarkAttemptFailed(string error, DateTimeOffset at)
    {
        Attempts++;
        LastError = error.Length <= 2000 ? error : error[..2000];
        if (Attempts >= MaxAttempts)
        {
            Status = AlertNotificationStatus.Failed;
            return;
        }

        DueAt = at + BackOff(Attempts);
    }

    /// <summary>Not sent this time (the channel's rate is used up): try again at <paramref name="dueAt"/>.</summary>
    public void Defer(DateTimeOffset dueAt)
    {
        if (dueAt > DueAt)
        {
            DueAt = dueAt;
        }
    }

    public static TimeSpan BackOff(int attempts)
    {
        var seconds = 5 * Math.Pow(2, Math.Max(0, attempts - 1));
        return TimeSpan.FromSeconds(Math.Min(seconds, 600));
    }
}

/// <summary>One try at sending one message to one channel, with what the channel answered.</summary>
public sealed class AlertDeliveryAttempt : IWorkspaceOwned
{
    private AlertDeliveryAttempt()
    {
    }

    public AlertDeliveryAttempt(Guid workspaceId, Guid notificationId, Guid messageId, Guid channelId, DateTimeOffset at, bool succeeded,
        int? statusCode, string? error, TimeSpan latency, bool digest)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        NotificationId = notificationId;
        MessageId = messageId;
        ChannelId = channelId;
        At = at;
        Succeeded = succeeded;
        StatusCode = statusCode;
        Error = error is { Length: > 2000 } ? error[..2000] : error;
        LatencyMs = Math.Round(latency.TotalMilliseconds, 1);
        Digest = digest;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid NotificationId { get; private set; }

    public Guid MessageId { get; private set; }

    public Guid ChannelId { get; private set; }

    public DateTimeOffset At { get; private set; }

    public bool Succeeded { get; private set; }

    /// <summary>The HTTP status or SMTP reply code, when the channel answered.</summary>
    public int? StatusCode { get; private set; }

    public string? Error { get; private set; }

    public double LatencyMs { get; private set; }

    /// <summary>Sent folded into a digest because the channel's rate limit was reached.</summary>
    public bool Digest { get; private set; }
}
