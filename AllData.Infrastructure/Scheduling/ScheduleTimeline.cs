using AllData.Domain.Common;
using AllData.Domain.Scheduling;
using Quartz;

namespace AllData.Infrastructure.Scheduling;

/// <summary>Where a cron expression or time zone is wrong, said for the field it was typed in.</summary>
public sealed record TimingProblem(string Field, string Message);

/// <summary>
/// A schedule's slots in time: its cron (Quartz syntax, with seconds) or interval in its time zone, between its start
/// and end, less the dates of its holiday calendar. The same rules serve the editor's preview, the firing, the missed
/// slot search and backfills, so they cannot disagree.
/// </summary>
public sealed class ScheduleTimeline
{
    private readonly CronExpression? _cron;
    private readonly TimeSpan _interval;
    private readonly DateTimeOffset _anchor;
    private readonly HashSet<DateOnly> _excluded;

    private ScheduleTimeline(ScheduleTiming timing, TimeZoneInfo zone, CronExpression? cron, IEnumerable<DateOnly> excluded, DateTimeOffset anchor)
    {
        Timing = timing;
        Zone = zone;
        _cron = cron;
        _interval = TimeSpan.FromSeconds(timing.IntervalSeconds ?? 0);
        _anchor = timing.StartAt ?? anchor;
        _excluded = [.. excluded];
    }

    public ScheduleTiming Timing { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The timeline, or the problems with the timing keyed by field (<c>cron</c>, <c>interval</c>, <c>timeZone</c>, <c>end</c>).</summary>
    /// <param name="anchor">Where an interval without a start counts from (the schedule's creation).</param>
    public static (ScheduleTimeline? Timeline, IReadOnlyList<TimingProblem> Problems) Create(ScheduleTiming timing, IEnumerable<DateOnly>? excluded, DateTimeOffset anchor)
    {
        List<TimingProblem> problems = [];
        TimeZoneInfo? zone = null;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(timing.TimeZoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            problems.Add(new TimingProblem("timeZone", $"'{timing.TimeZoneId}' is not a time zone this server knows."));
        }

        CronExpression? cron = null;
        if (timing.Kind == ScheduleKind.Cron)
        {
            if (CronProblem(timing.Cron) is { } message)
            {
                problems.Add(new TimingProblem("cron", message));
            }
            else
            {
                cron = new CronExpression(timing.Cron!.Trim(), zone ?? TimeZoneInfo.Utc);
            }
        }
        else if (timing.IntervalSeconds is not > 0)
        {
            problems.Add(new TimingProblem("interval", "The interval must be at least 1 second."));
        }

        if (timing.StartAt is { } start && timing.EndAt is { } end && end <= start)
        {
            problems.Add(new TimingProblem("end", "The end must be after the start."));
        }

        return problems.Count > 0 || zone is null ? (null, problems) : (new ScheduleTimeline(timing, zone, cron, excluded ?? [], anchor), problems);
    }

    /// <summary>The timeline of a stored schedule (its timing was validated when saved).</summary>
    public static ScheduleTimeline For(Schedule schedule, IEnumerable<DateOnly>? excluded)
    {
        var (timeline, problems) = Create(schedule.Timing, excluded, schedule.CreatedAt);
        return timeline ?? throw new DomainException(problems[0].Message);
    }

    /// <summary>The zone of <paramref name="timeZoneId"/>, or UTC when this server does not know it (for display and date arithmetic of stored schedules).</summary>
    public static TimeZoneInfo ZoneOrUtc(string timeZoneId)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>The instant <paramref name="date"/> begins in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The date of <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public static DateOnly DateIn(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>Null when <paramref name="cron"/> is a valid Quartz expression, else what is wrong with it.</summary>
    public static string? CronProblem(string? cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return "Enter a cron expression.";
        }

        var fields = cron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 6 or > 7 && !cron.TrimStart().StartsWith('@'))
        {
            return $"A Quartz cron expression has 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]); this one has {fields.Length}.";
        }

        try
        {
            _ = CronExpression.Parse(cron.Trim());
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>Whether the slot falls on a calendar exclusion (a date in the schedule's time zone).</summary>
    public bool IsExcluded(DateTimeOffset slot) => _excluded.Contains(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(slot, Zone).DateTime));

    /// <summary>The first slot strictly after <paramref name="after"/> (calendar exclusions included), or null past the end.</summary>
    public DateTimeOffset? NextRaw(DateTimeOffset after)
    {
        if (Timing.StartAt is { } start && after < start)
        {
            after = start.AddTicks(-1);
        }

        DateTimeOffset? next;
        if (_cron is not null)
        {
            next = _cron.GetNextValidTimeAfter(after);
        }
        else
        {
            var elapsed = after - _anchor;
            var steps = elapsed < TimeSpan.Zero ? 0 : (long)Math.Floor(elapsed / _interval) + 1;
            next = _anchor + (_interval * steps);
        }

        return next is { } n && Timing.EndAt is { } end && n > end ? null : next?.ToUniversalTime();
    }

    /// <summary>The slot before <paramref name="before"/>, or null when there is none (before the start).</summary>
    public DateTimeOffset? Previous(DateTimeOffset before)
    {
        DateTimeOffset? previous;
        if (_cron is not null)
        {
            previous = _cron.GetPreviousValidTimeBefore(before);
        }
        else
        {
            var elapsed = before - _anchor;
            if (elapsed <= TimeSpan.Zero)
            {
                return null;
            }

            var steps = (long)Math.Ceiling(elapsed / _interval) - 1;
            previous = _anchor + (_interval * steps);
        }

        return previous is { } p && Timing.StartAt is { } start && p < start ? null : previous?.ToUniversalTime();
    }

    /// <summary>The next <paramref name="count"/> slots that will run (exclusions left out).</summary>
    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset after, int count)
    {
        List<DateTimeOffset> slots = [];
        var cursor = after;
        for (var guard = 0; slots.Count < count && guard < count * 400; guard++)
        {
            if (NextRaw(cursor) is not { } next)
            {
                break;
            }

            if (!IsExcluded(next))
            {
                slots.Add(next);
            }

            cursor = next;
        }

        return slots;
    }

    /// <summary>Every slot in (<paramref name="from"/>, <paramref name="to"/>], exclusions included, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<DateTimeOffset> Between(DateTimeOffset from, DateTimeOffset to, int limit = 10_000)
    {
        List<DateTimeOffset> slots = [];
        var cursor = from;
        while (slots.Count < limit && NextRaw(cursor) is { } next && next <= to)
        {
            slots.Add(next);
            cursor = next;
        }

        return slots;
    }

    /// <summary>The script variables of a slot: <c>${logical_date}</c> and the rest (<see cref="LogicalTimeVariables"/>).</summary>
    public IReadOnlyDictionary<string, string> VariablesFor(DateTimeOffset slot) =>
        LogicalTimeVariables.For(slot, Previous(slot), NextRaw(slot), Zone);
}
