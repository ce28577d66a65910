using AllData.Domain.Common;

namespace AllData.Domain.Scheduling;

/// <summary>When and how a schedule fires; validated by the caller's cron parser before it reaches the entity.</summary>
public sealed record ScheduleTiming(ScheduleKind Kind, string? Cron, int? IntervalSeconds, string TimeZoneId, DateTimeOffset? StartAt, DateTimeOffset? EndAt)
{
    public const int MaxCronLength = 200;

    public void Validate()
    {
        switch (Kind)
        {
            case ScheduleKind.Cron when string.IsNullOrWhiteSpace(Cron):
                throw new DomainException("Enter a cron expression.");
            case ScheduleKind.Cron when Cron!.Length > MaxCronLength:
                throw new DomainException($"A cron expression has at most {MaxCronLength} characters.");
            case ScheduleKind.Interval when IntervalSeconds is not > 0:
                throw new DomainException("The interval must be at least 1 second.");
        }

        if (StartAt is { } start && EndAt is { } end && end <= start)
        {
            throw new DomainException("The end must be after the start.");
        }
    }
}

/// <summary>What a schedule does on each slot: overlap, misfire, retries and a timeout per run.</summary>
public sealed record ScheduleBehaviour(OverlapPolicy Overlap, MisfirePolicy Misfire, RetryPolicy Retry, TimeSpan? Timeout)
{
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(7);

    public void Validate()
    {
        if (!Enum.IsDefined(Overlap) || !Enum.IsDefined(Misfire))
        {
            throw new DomainException("Choose an overlap and a misfire policy.");
        }

        if (Timeout is { } t && (t <= TimeSpan.Zero || t > MaxTimeout))
        {
            throw new DomainException("The timeout must be between 1 second and 7 days.");
        }
    }
}

/// <summary>
/// A schedule of one job. It runs the job's latest published version, or <see cref="PinnedVersionId"/>; each fire
/// is a slot with a logical time, written once to the ledger (<see cref="ScheduleSlot"/>).
/// </summary>
public sealed class Schedule : IWorkspaceOwned
{
    public const int MaxNameLength = 200;
    public const int MaxUserLength = 200;

    private Schedule()
    {
        Name = string.Empty;
        TimeZoneId = "UTC";
        CreatedBy = string.Empty;
    }

    public Schedule(Guid workspaceId, Guid jobId, string name, ScheduleTiming timing, ScheduleBehaviour behaviour, Guid? pinnedVersionId,
        Guid? calendarId, string createdBy, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        JobId = jobId;
        CreatedBy = Clip(createdBy);
        CreatedAt = at;
        Enabled = true;
        Name = string.Empty;
        TimeZoneId = "UTC";
        Change(name, timing, behaviour, pinnedVersionId, calendarId, createdBy, at);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid JobId { get; private set; }

    public string Name { get; private set; }

    public ScheduleKind Kind { get; private set; }

    public string? Cron { get; private set; }

    public int? IntervalSeconds { get; private set; }

    public string TimeZoneId { get; private set; }

    public DateTimeOffset? StartAt { get; private set; }

    public DateTimeOffset? EndAt { get; private set; }

    /// <summary>A published version to run always; null runs the latest published one.</summary>
    public Guid? PinnedVersionId { get; private set; }

    /// <summary>The workspace holiday calendar whose dates are skipped; null: none.</summary>
    public Guid? CalendarId { get; private set; }

    /// <summary>False while paused: nothing fires and no slot is written as missed.</summary>
    public bool Enabled { get; private set; }

    public OverlapPolicy Overlap { get; private set; }

    public MisfirePolicy Misfire { get; private set; }

    public int RetryCount { get; private set; }

    public int RetryDelaySeconds { get; private set; }

    public bool RetryExponential { get; private set; }

    public int? TimeoutSeconds { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string? UpdatedBy { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    /// <summary>When the schedule was last enabled (created or resumed): slots before it are never "missed".</summary>
    public DateTimeOffset ActiveSince { get; private set; }

    public ScheduleTiming Timing => new(Kind, Cron, IntervalSeconds, TimeZoneId, StartAt, EndAt);

    public RetryPolicy Retry => new(RetryCount, TimeSpan.FromSeconds(RetryDelaySeconds), RetryExponential);

    public ScheduleBehaviour Behaviour => new(Overlap, Misfire, Retry, TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null);

    public void Change(string name, ScheduleTiming timing, ScheduleBehaviour behaviour, Guid? pinnedVersionId, Guid? calendarId, string by, DateTimeOffset at)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0)
        {
            throw new DomainException("Enter a name.");
        }

        if (trimmed.Length > MaxNameLength)
        {
            throw new DomainException($"A name has at most {MaxNameLength} characters.");
        }

        timing.Validate();
        behaviour.Validate();
        Name = trimmed;
        Kind = timing.Kind;
        Cron = timing.Kind == ScheduleKind.Cron ? timing.Cron!.Trim() : null;
        IntervalSeconds = timing.Kind == ScheduleKind.Interval ? timing.IntervalSeconds : null;
        TimeZoneId = timing.TimeZoneId;
        StartAt = timing.StartAt;
        EndAt = timing.EndAt;
        Overlap = behaviour.Overlap;
        Misfire = behaviour.Misfire;
        RetryCount = behaviour.Retry.Count;
        RetryDelaySeconds = (int)behaviour.Retry.Delay.TotalSeconds;
        RetryExponential = behaviour.Retry.Exponential;
        TimeoutSeconds = behaviour.Timeout is { } t ? (int)Math.Ceiling(t.TotalSeconds) : null;
        PinnedVersionId = pinnedVersionId;
        CalendarId = calendarId;
        UpdatedBy = Clip(by);
        UpdatedAt = at;
        ActiveSince = at;
    }

    public void Pause(string by, DateTimeOffset at)
    {
        Enabled = false;
        UpdatedBy = Clip(by);
        UpdatedAt = at;
    }

    public void Resume(string by, DateTimeOffset at)
    {
        Enabled = true;
        ActiveSince = at;
        UpdatedBy = Clip(by);
        UpdatedAt = at;
    }

    private static string Clip(string value) => value.Length <= MaxUserLength ? value : value[..MaxUserLength];
}

/// <summary>
/// One slot of a schedule in its ledger: (schedule, logical time) is unique in the database, so a slot can be
/// written — and so run — once. A second fire for it only counts <see cref="DuplicateFires"/>.
/// </summary>
public sealed class ScheduleSlot : IWorkspaceOwned
{
    public const int MaxReasonLength = 1000;

    private ScheduleSlot()
    {
    }

    public ScheduleSlot(Guid workspaceId, Guid scheduleId, DateTimeOffset logicalTime, SlotState state, SlotSource source, string? reason, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        ScheduleId = scheduleId;
        LogicalTime = logicalTime.ToUniversalTime();
        State = state;
        Source = source;
        Reason = Clip(reason);
        CreatedAt = at;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid ScheduleId { get; private set; }

    public DateTimeOffset LogicalTime { get; private set; }

    public SlotState State { get; private set; }

    public SlotSource Source { get; private set; }

    public string? Reason { get; private set; }

    /// <summary>The latest run started for the slot.</summary>
    public Guid? RunId { get; private set; }

    /// <summary>Runs started for the slot: 1 for the first, more after retries.</summary>
    public int Attempts { get; private set; }

    public DateTimeOffset? NextAttemptAt { get; private set; }

    /// <summary>Fires for the slot after the first: never run, only counted.</summary>
    public int DuplicateFires { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public void Started(Guid runId, DateTimeOffset at)
    {
        RunId = runId;
        Attempts++;
        State = SlotState.Started;
        NextAttemptAt = null;
        UpdatedAt = at;
    }

    public void WaitForRetry(DateTimeOffset when, string reason, DateTimeOffset at)
    {
        State = SlotState.RetryWaiting;
        NextAttemptAt = when;
        Reason = Clip(reason);
        UpdatedAt = at;
    }

    public void Skip(string reason, DateTimeOffset at)
    {
        State = SlotState.Skipped;
        Reason = Clip(reason);
        UpdatedAt = at;
    }

    public void Fail(string reason, DateTimeOffset at)
    {
        State = SlotState.Failed;
        Reason = Clip(reason);
        UpdatedAt = at;
    }

    /// <summary>
    /// A slot that ended (missed, skipped, failed, or started with a run that has ended) is run again on request (run
    /// this slot, a backfill), with a fresh series of attempts for the schedule's retries.
    /// </summary>
    /// <param name="runEnded">Whether the slot's latest run has ended (true when it has none).</param>
    public void Reopen(SlotSource source, bool runEnded, DateTimeOffset at)
    {
        if (State is SlotState.Queued or SlotState.RetryWaiting || (State == SlotState.Started && !runEnded))
        {
            throw new DomainException("That slot is already running or waiting.");
        }

        Source = source;
        State = SlotState.Queued;
        Attempts = 0;
        NextAttemptAt = null;
        UpdatedAt = at;
    }

    private static string? Clip(string? value) => value is null || value.Length <= MaxReasonLength ? value : value[..MaxReasonLength];
}

/// <summary>A workspace's holiday calendar: the dates (in each schedule's own time zone) on which its schedules skip their slots.</summary>
public sealed class HolidayCalendar : IWorkspaceOwned
{
    private HolidayCalendar()
    {
        Name = string.Empty;
    }

    public HolidayCalendar(Guid workspaceId, string name, IEnumerable<DateOnly> dates, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        Name = string.Empty;
        Change(name, dates);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    public List<DateOnly> Dates { get; private set; } = [];

    public void Change(string name, IEnumerable<DateOnly> dates)
    {
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > Schedule.MaxNameLength)
        {
            throw new DomainException("Enter a calendar name of at most 200 characters.");
        }

        Name = trimmed;
        Dates = [.. dates.Distinct().Order()];
    }

    public bool Excludes(DateOnly date) => Dates.BinarySearch(date) >= 0;
}
