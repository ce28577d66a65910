using AllData.Domain.Common;

namespace AllData.Domain.Alerts;

/// <summary>Where one rule stands for one subject.</summary>
public enum AlertState
{
    Normal,
    Pending,
    Firing,
    Resolved,
}

/// <summary>What a transition tells the channels.</summary>
public enum AlertNotificationKind
{
    Firing,
    Resolved,
    Reminder,
}

/// <summary>
/// A notification-worthy step of one alert: its <see cref="Sequence"/> counts the alert's transitions, so
/// (rule, subject, sequence) names it exactly once however many instances evaluate.
/// </summary>
public sealed record AlertTransition(AlertNotificationKind Kind, long Sequence, DateTimeOffset At, string Reason);

/// <summary>
/// The state machine of one rule and one subject (a job, a run, a cluster …):
/// Normal → Pending (for the rule's pending period) → Firing → Resolved, and again.
/// Notifies on Firing and on Resolved, and with reminders while Firing when the rule asks and nobody acknowledged.
/// </summary>
public sealed class AlertInstance : IWorkspaceOwned
{
    public const int MaxSubjectKeyLength = 200;
    public const int MaxSubjectNameLength = 300;
    public const int MaxReasonLength = 2000;

    private AlertInstance()
    {
        SubjectKey = SubjectName = string.Empty;
    }

    public AlertInstance(Guid workspaceId, Guid ruleId, AlertSubject subject, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        RuleId = ruleId;
        SubjectKey = Clip(subject.Key, MaxSubjectKeyLength)!;
        SubjectName = Clip(subject.Name, MaxSubjectNameLength)!;
        RunId = subject.RunId;
        State = AlertState.Normal;
        ChangedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid RuleId { get; private set; }

    /// <summary>Stable key of the subject: "job:{id}", "run:{id}", "cluster:{id}" …</summary>
    public string SubjectKey { get; private set; }

    public string SubjectName { get; private set; }

    /// <summary>The run the latest observation was about (the link in messages), if any.</summary>
    public Guid? RunId { get; private set; }

    public AlertState State { get; private set; }

    /// <summary>How many notification-worthy transitions this alert has had.</summary>
    public long Sequence { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public DateTimeOffset? PendingSince { get; private set; }

    public DateTimeOffset? FiringSince { get; private set; }

    public DateTimeOffset? ResolvedAt { get; private set; }

    public DateTimeOffset? LastNotifiedAt { get; private set; }

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    public string? AcknowledgedBy { get; private set; }

    public string? Reason { get; private set; }

    public bool IsActive => State is AlertState.Pending or AlertState.Firing;

    /// <summary>
    /// The condition holds (or not) for the subject at <paramref name="at"/>. Returns the transition to notify, if any.
    /// Holding while already Firing, or not holding while Normal/Resolved, changes nothing.
    /// </summary>
    public AlertTransition? Observe(bool holds, DateTimeOffset at, string reason, AlertTiming timing, AlertSubject? subject = null)
    {
        if (subject is not null)
        {
            SubjectName = Clip(subject.Name, MaxSubjectNameLength)!;
            RunId = subject.RunId ?? RunId;
        }

        if (holds)
        {
            Reason = Clip(reason, MaxReasonLength);
            if (State is AlertState.Normal or AlertState.Resolved)
            {
                State = AlertState.Pending;
                PendingSince = at;
                ChangedAt = at;
                AcknowledgedAt = null;
                AcknowledgedBy = null;
            }

            return Tick(at, timing);
        }

        switch (State)
        {
            case AlertState.Pending:
                State = AlertState.Normal;
                PendingSince = null;
                ChangedAt = at;
                return null;
            case AlertState.Firing:
                State = AlertState.Resolved;
                ResolvedAt = at;
                ChangedAt = at;
                Reason = Clip(reason, MaxReasonLength);
                return Notify(AlertNotificationKind.Resolved, at);
            default:
                return null;
        }
    }

    /// <summary>Time passes with the condition still holding: a pending alert may fire, a firing one may remind.</summary>
    public AlertTransition? Tick(DateTimeOffset at, AlertTiming timing)
    {
        switch (State)
        {
            case AlertState.Pending when PendingSince is { } since && at - since >= timing.PendingFor:
                State = AlertState.Firing;
                FiringSince = at;
                ResolvedAt = null;
                ChangedAt = at;
                return Notify(AlertNotificationKind.Firing, at);
            case AlertState.Firing when timing.ReminderEvery is { } every && AcknowledgedAt is null
                                        && LastNotifiedAt is { } last && at - last >= every:
                return Notify(AlertNotificationKind.Reminder, at);
            default:
                return null;
        }
    }

    /// <summary>Someone has seen it: no more reminders until it resolves and fires again.</summary>
    public void Acknowledge(string by, DateTimeOffset at)
    {
        if (State != AlertState.Firing)
        {
            throw new DomainException("Only a firing alert can be acknowledged.");
        }

        if (AcknowledgedAt is not null)
        {
            return;
        }

        AcknowledgedAt = at;
        AcknowledgedBy = Clip(by, 200);
    }

    private AlertTransition Notify(AlertNotificationKind kind, DateTimeOffset at)
    {
        Sequence++;
        LastNotifiedAt = at;
        return new AlertTransition(kind, Sequence, at, Reason ?? string.Empty);
    }

    private static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}

/// <summary>What an alert is about.</summary>
public sealed record AlertSubject(string Key, string Name, Guid? RunId = null)
{
    public static AlertSubject Job(Guid jobId, string name, Guid? runId = null) => new($"job:{jobId}", name, runId);

    public static AlertSubject Run(Guid runId, string name) => new($"run:{runId}", name, runId);

    public static AlertSubject Cluster(Guid clusterId, string name) => new($"cluster:{clusterId}", name);

    public static AlertSubject Schedule(Guid scheduleId, string name) => new($"schedule:{scheduleId}", name);

    public static AlertSubject Table(Guid tableId, string name) => new($"table:{tableId}", name);
}
