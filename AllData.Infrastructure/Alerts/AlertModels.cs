using AllData.Domain.Alerts;

namespace AllData.Infrastructure.Alerts;

public sealed record AlertRuleInput(
    string Name, AlertScope Scope, AlertCondition Condition, int PendingMinutes, int? ReminderMinutes, int GroupWindowSeconds,
    IReadOnlyList<Guid> ChannelIds)
{
    public AlertTiming Timing => new(TimeSpan.FromMinutes(PendingMinutes),
        ReminderMinutes is { } r ? TimeSpan.FromMinutes(r) : null, TimeSpan.FromSeconds(GroupWindowSeconds));
}

public sealed record AlertRuleRow(
    Guid Id, string Name, AlertScope Scope, string ScopeName, AlertCondition Condition, int PendingMinutes, int? ReminderMinutes,
    int GroupWindowSeconds, IReadOnlyList<Guid> ChannelIds, bool Enabled, int Firing, string UpdatedBy, DateTimeOffset UpdatedAt)
{
    public AlertRuleInput ToInput() => new(Name, Scope, Condition, PendingMinutes, ReminderMinutes, GroupWindowSeconds, ChannelIds);
}

/// <summary>A channel's editable fields. Secrets left null keep the stored ones (the UI never has them to send back).</summary>
public sealed record AlertChannelInput(string Name, AlertChannelKind Kind, AlertChannelSettings Settings, string? Url, string? SigningSecret, string? Password);

/// <summary>A channel as the UI sees it: secrets only as "set" flags and the URL's host.</summary>
public sealed record AlertChannelRow(
    Guid Id, string Name, AlertChannelKind Kind, AlertChannelSettings Settings, string? UrlHint, bool HasSigningSecret, bool HasPassword,
    int MaxPerMinute, string UpdatedBy, DateTimeOffset UpdatedAt);

public sealed record AlertInstanceRow(
    Guid Id, Guid RuleId, string RuleName, string SubjectKey, string SubjectName, Guid? RunId, AlertState State, DateTimeOffset ChangedAt,
    DateTimeOffset? FiringSince, DateTimeOffset? ResolvedAt, string? Reason, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy);

public sealed record AlertEventRow(
    Guid Id, Guid InstanceId, Guid RuleId, string RuleName, string SubjectName, Guid? RunId, AlertNotificationKind Kind, long Sequence,
    DateTimeOffset At, string Reason, bool Silenced, int Delivered, int Pending, int Failed);

public sealed record AlertDeliveryRow(
    Guid NotificationId, string ChannelName, AlertChannelKind ChannelKind, AlertNotificationStatus Status, DateTimeOffset? AttemptAt, bool? Succeeded,
    int? StatusCode, string? Error, double? LatencyMs, bool Digest, DateTimeOffset DueAt);

public sealed record AlertSilenceRow(
    Guid Id, Guid? RuleId, string? RuleName, string? SubjectKey, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Reason, string CreatedBy,
    bool Active);

public sealed record AlertPreview(IReadOnlyList<string> Subjects);

public sealed record AlertScopeOption(AlertScopeKind Kind, Guid Id, string Name);
