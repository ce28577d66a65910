using AllData.Domain.Common;

namespace AllData.Domain.Alerts;

/// <summary>What a rule watches: every job of the workspace, a folder (with its subfolders), one job, a cluster, or a table.</summary>
public enum AlertScopeKind
{
    AllJobs,
    Folder,
    Job,
    Cluster,
    Table,
}

/// <summary>A rule's scope; <see cref="TargetId"/> names the folder, job or cluster, <see cref="TableName"/> the table.</summary>
public sealed record AlertScope(AlertScopeKind Kind, Guid? TargetId = null, string? TableName = null)
{
    public const int MaxTableNameLength = 300;

    public static readonly AlertScope AllJobs = new(AlertScopeKind.AllJobs);

    public AlertScope Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new DomainException($"'{Kind}' is not an alert scope.");
        }

        return Kind switch
        {
            AlertScopeKind.AllJobs => new AlertScope(Kind),
            AlertScopeKind.Folder or AlertScopeKind.Job or AlertScopeKind.Cluster when TargetId is null || TargetId == Guid.Empty =>
                throw new DomainException($"Choose the {Kind.ToString().ToLowerInvariant()} the rule watches."),
            AlertScopeKind.Folder or AlertScopeKind.Job or AlertScopeKind.Cluster => new AlertScope(Kind, TargetId),
            _ when string.IsNullOrWhiteSpace(TableName) => throw new DomainException("Name the table the rule watches (schema.table)."),
            _ when TableName!.Trim().Length > MaxTableNameLength => throw new DomainException($"A table name has at most {MaxTableNameLength} characters."),
            _ => new AlertScope(Kind, TargetId, TableName!.Trim()),
        };
    }

    /// <summary>Whether the scope is about jobs and their runs (all jobs, a folder, a job, or a cluster's runs).</summary>
    public bool CoversRuns => Kind is not AlertScopeKind.Table;
}

/// <summary>A rule: a scope, a condition, how long the condition must hold before it fires, and where it notifies.</summary>
public sealed class AlertRule : IWorkspaceOwned
{
    public const int MaxNameLength = 120;
    public const int MaxUserLength = 200;
    public static readonly TimeSpan DefaultGroupWindow = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxPendingFor = TimeSpan.FromDays(1);

    private List<Guid> _channelIds = [];

    private AlertRule()
    {
        Name = string.Empty;
        Scope = AlertScope.AllJobs;
        Condition = AlertCondition.RunFailed();
        CreatedBy = UpdatedBy = string.Empty;
    }

    public AlertRule(Guid workspaceId, string name, AlertScope scope, AlertCondition condition, AlertTiming timing,
        IEnumerable<Guid> channelIds, string by, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        Name = ValidateName(name);
        CreatedBy = UpdatedBy = Clip(by);
        CreatedAt = UpdatedAt = at;
        Enabled = true;
        Scope = AlertScope.AllJobs;
        Condition = AlertCondition.RunFailed();
        Change(name, scope, condition, timing, channelIds, by, at);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    public AlertScope Scope { get; private set; }

    public AlertCondition Condition { get; private set; }

    /// <summary>How long the condition must hold before the alert fires; zero fires at once.</summary>
    public TimeSpan PendingFor { get; private set; }

    /// <summary>While firing and not acknowledged, notify again this often; null (the default) never reminds.</summary>
    public TimeSpan? ReminderEvery { get; private set; }

    /// <summary>Alerts of this rule fired within this window after one was sent go out together as one message.</summary>
    public TimeSpan GroupWindow { get; private set; }

    public bool Enabled { get; private set; }

    public IReadOnlyList<Guid> ChannelIds => _channelIds;

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string UpdatedBy { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The timing the state machine follows; a cluster-unreachable rule waits at least its N minutes.</summary>
    public AlertTiming Timing => new(EffectivePendingFor, ReminderEvery, GroupWindow);

    private TimeSpan EffectivePendingFor =>
        Condition.Kind == AlertConditionKind.ClusterUnreachable && TimeSpan.FromMinutes(Condition.Minutes ?? 0) > PendingFor
            ? TimeSpan.FromMinutes(Condition.Minutes ?? 0)
            : PendingFor;

    public void Change(string name, AlertScope scope, AlertCondition condition, AlertTiming timing, IEnumerable<Guid> channelIds,
        string by, DateTimeOffset at)
    {
        var validScope = scope.Validate();
        var validCondition = condition.Validate();
        if (validCondition.Kind.NeedsTable() != (validScope.Kind == AlertScopeKind.Table))
        {
            throw new DomainException(validCondition.Kind.NeedsTable()
                ? "A quality condition watches a table: choose the table scope."
                : "The table scope only fits quality conditions.");
        }

        if (validCondition.Kind == AlertConditionKind.ClusterUnreachable && validScope.Kind is not (AlertScopeKind.Cluster or AlertScopeKind.AllJobs))
        {
            throw new DomainException("Cluster unreachable watches one cluster or all of the workspace's clusters.");
        }

        timing.Validate();
        var channels = channelIds.Distinct().ToList();
        if (channels.Count == 0)
        {
            throw new DomainException("Choose at least one channel to notify.");
        }

        Name = ValidateName(name);
        Scope = validScope;
        Condition = validCondition;
        PendingFor = timing.PendingFor;
        ReminderEvery = timing.ReminderEvery;
        GroupWindow = timing.GroupWindow;
        _channelIds = channels;
        UpdatedBy = Clip(by);
        UpdatedAt = at;
    }

    public void SetEnabled(bool enabled, string by, DateTimeOffset at)
    {
        Enabled = enabled;
        UpdatedBy = Clip(by);
        UpdatedAt = at;
    }

    public static string ValidateName(string? name)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        return trimmed.Length switch
        {
            0 => throw new DomainException("A rule needs a name."),
            > MaxNameLength => throw new DomainException($"A rule name has at most {MaxNameLength} characters."),
            _ => trimmed,
        };
    }

    private static string Clip(string by) => by.Length <= MaxUserLength ? by : by[..MaxUserLength];
}

/// <summary>How the state machine waits: pending period, reminder interval (null: none) and grouping window.</summary>
public readonly record struct AlertTiming(TimeSpan PendingFor, TimeSpan? ReminderEvery, TimeSpan GroupWindow)
{
    public static AlertTiming Default => new(TimeSpan.Zero, null, AlertRule.DefaultGroupWindow);

    public void Validate()
    {
        if (PendingFor < TimeSpan.Zero || PendingFor > AlertRule.MaxPendingFor)
        {
            throw new DomainException("The pending period is between 0 and 24 hours.");
        }

        if (ReminderEvery is { } r && (r < TimeSpan.FromMinutes(1) || r > TimeSpan.FromDays(7)))
        {
            throw new DomainException("A reminder interval is between 1 minute and 7 days (or off).");
        }

        if (GroupWindow < TimeSpan.Zero || GroupWindow > TimeSpan.FromMinutes(10))
        {
            throw new DomainException("The grouping window is between 0 seconds and 10 minutes.");
        }
    }
}
