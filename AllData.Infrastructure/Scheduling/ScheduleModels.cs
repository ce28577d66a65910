using AllData.Domain.Operations;
using AllData.Domain.Scheduling;

namespace AllData.Infrastructure.Scheduling;

/// <summary>What the schedule editor sends.</summary>
public sealed record ScheduleInput
{
    public required string Name { get; init; }

    public required Guid JobId { get; init; }

    public ScheduleKind Kind { get; init; } = ScheduleKind.Cron;

    public string? Cron { get; init; }

    public int? IntervalSeconds { get; init; }

    public string TimeZoneId { get; init; } = "UTC";

    public DateTimeOffset? StartAt { get; init; }

    public DateTimeOffset? EndAt { get; init; }

    public Guid? PinnedVersionId { get; init; }

    public Guid? CalendarId { get; init; }

    public OverlapPolicy Overlap { get; init; } = OverlapPolicy.Skip;

    public MisfirePolicy Misfire { get; init; } = MisfirePolicy.FireOnceNow;

    public int RetryCount { get; init; }

    public int RetryDelaySeconds { get; init; } = 60;

    public bool RetryExponential { get; init; } = true;

    public int? TimeoutSeconds { get; init; }

    public ScheduleTiming Timing => new(Kind, Cron, IntervalSeconds, TimeZoneId, StartAt, EndAt);
}

/// <summary>Bad schedule input, with a message per field (<c>name</c>, <c>cron</c>, <c>interval</c>, <c>timeZone</c>, <c>end</c>, <c>job</c>, …).</summary>
public sealed class ScheduleInputException(IReadOnlyList<TimingProblem> problems) : Exception(problems[0].Message)
{
    public IReadOnlyList<TimingProblem> Problems { get; } = problems;

    public string? For(string field) => Problems.FirstOrDefault(p => p.Field == field)?.Message;
}

/// <summary>The editor's live preview: problems at their fields, or the cron in words and the next fires in the schedule's zone.</summary>
public sealed record TimingPreview(IReadOnlyList<TimingProblem> Problems, IReadOnlyList<CronPhrase> Words, IReadOnlyList<DateTimeOffset> NextFires)
{
    public string? For(string field) => Problems.FirstOrDefault(p => p.Field == field)?.Message;
}

public sealed record ScheduleRow(
    Guid Id, string Name, Guid JobId, string JobName, ScheduleKind Kind, string? Cron, int? IntervalSeconds, string TimeZoneId, bool Enabled,
    IReadOnlyList<CronPhrase> Words, DateTimeOffset? NextFire, DateTimeOffset? LastSlot, SlotState? LastSlotState, RunStatus? LastRunStatus, int MissedSlots);

public sealed record ScheduleDetail(Schedule Schedule, string JobName, IReadOnlyList<CronPhrase> Words, IReadOnlyList<DateTimeOffset> NextFires);

public sealed record SlotRow(
    Guid Id, DateTimeOffset LogicalTime, SlotState State, SlotSource Source, string? Reason, Guid? RunId, RunStatus? RunStatus, int Attempts,
    int DuplicateFires, DateTimeOffset? NextAttemptAt, DateTimeOffset UpdatedAt);

public sealed record CalendarRow(Guid Id, string Name, IReadOnlyList<DateOnly> Dates);

public sealed record JobChoice(Guid Id, string Name, int PublishedVersions);

public sealed record VersionChoice(Guid Id, int Number, DateTimeOffset PublishedAt, string PublishedBy, string? Comment);

public sealed record SlotProblemRow(
    Guid SlotId, Guid ScheduleId, string ScheduleName, string JobName, DateTimeOffset LogicalTime, SlotState State, string? Reason, Guid? RunId,
    RunStatus? RunStatus, DateTimeOffset At);

public sealed record UpcomingFire(Guid ScheduleId, string ScheduleName, string JobName, DateTimeOffset At, RunStatus? LastRunStatus);
