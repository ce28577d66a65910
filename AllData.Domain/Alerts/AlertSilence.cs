using AllData.Domain.Common;

namespace AllData.Domain.Alerts;

/// <summary>
/// Mutes notifications for a period: of one rule, or of every rule; optionally only for one subject
/// (a job, a cluster …). Alerts still change state and are recorded; nothing is sent.
/// </summary>
public sealed class AlertSilence : IWorkspaceOwned
{
    public const int MaxReasonLength = 500;

    private AlertSilence()
    {
        Reason = CreatedBy = string.Empty;
    }

    public AlertSilence(Guid workspaceId, Guid? ruleId, string? subjectKey, DateTimeOffset startsAt, DateTimeOffset endsAt,
        string reason, string by, DateTimeOffset at)
    {
        if (endsAt <= startsAt)
        {
            throw new DomainException("A silence ends after it starts.");
        }

        if (endsAt - startsAt > TimeSpan.FromDays(90))
        {
            throw new DomainException("A silence lasts at most 90 days.");
        }

        var trimmed = reason?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new DomainException("Say why the alerts are silenced.");
        }

        if (trimmed.Length > MaxReasonLength)
        {
            throw new DomainException($"A reason has at most {MaxReasonLength} characters.");
        }

        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        RuleId = ruleId;
        SubjectKey = string.IsNullOrWhiteSpace(subjectKey) ? null : subjectKey.Trim();
        StartsAt = startsAt;
        EndsAt = endsAt;
        Reason = trimmed;
        CreatedBy = by.Length <= 200 ? by : by[..200];
        CreatedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    /// <summary>The rule muted; null mutes every rule of the workspace.</summary>
    public Guid? RuleId { get; private set; }

    /// <summary>The one subject muted ("job:{id}" …); null mutes all of the rule's subjects.</summary>
    public string? SubjectKey { get; private set; }

    public DateTimeOffset StartsAt { get; private set; }

    public DateTimeOffset EndsAt { get; private set; }

    public string Reason { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsActiveAt(DateTimeOffset at) => StartsAt <= at && at < EndsAt;

    public bool Mutes(Guid ruleId, string subjectKey, DateTimeOffset at) =>
        IsActiveAt(at) && (RuleId is null || RuleId == ruleId) && (SubjectKey is null || SubjectKey == subjectKey);

    /// <summary>Ends the silence now (or leaves it if it already ended).</summary>
    public void End(DateTimeOffset at)
    {
        if (at < EndsAt)
        {
            EndsAt = at < StartsAt ? StartsAt : at;
        }
    }
}
