using System.Globalization;
using AllData.Domain.Scheduling;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace AllData.Web.Features.Scheduling;

/// <summary>How the schedules screens say a timing, a fire time and a slot state.</summary>
public static class ScheduleFormat
{
    /// <summary>The cron (or interval) in words: each phrase localized, joined with commas.</summary>
    public static string Words(IStringLocalizer localizer, IEnumerable<CronPhrase> phrases) =>
        string.Join(localizer["PhraseSeparator"], phrases.Select(p => localizer[p.Key, [.. p.Args]].Value));

    /// <summary>A fire time in the schedule's own zone, with the zone's offset: "2026-12-03 02:30:00 +01:00".</summary>
    public static string InZone(DateTimeOffset at, string timeZoneId)
    {
        var zone = Zone(timeZoneId);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return local.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
    }

    /// <summary>As <see cref="InZone"/>, after the weekday in the user's language ("Thu 2026-12-03 …"): what a person checks a cron against.</summary>
    public static string WithWeekday(DateTimeOffset at, string timeZoneId)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone(timeZoneId));
        return local.ToString("ddd", CultureInfo.CurrentCulture) + " " + InZone(at, timeZoneId);
    }

    public static TimeZoneInfo Zone(string timeZoneId) => AllData.Infrastructure.Scheduling.ScheduleTimeline.ZoneOrUtc(timeZoneId);

    public static Color Color(SlotState state) => state switch
    {
        SlotState.Started => MudBlazor.Color.Primary,
        SlotState.Queued => MudBlazor.Color.Default,
        SlotState.RetryWaiting => MudBlazor.Color.Warning,
        SlotState.Skipped => MudBlazor.Color.Dark,
        SlotState.Missed => MudBlazor.Color.Secondary,
        SlotState.Failed => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Info,
    };

    /// <summary>A slot's standing before a backfill, in the colours of the run states.</summary>
    public static Color Color(ExistingSlot existing) => existing switch
    {
        ExistingSlot.Succeeded => MudBlazor.Color.Success,
        ExistingSlot.Failed => MudBlazor.Color.Error,
        ExistingSlot.Active => MudBlazor.Color.Info,
        ExistingSlot.Missed => MudBlazor.Color.Secondary,
        ExistingSlot.Skipped => MudBlazor.Color.Dark,
        _ => MudBlazor.Color.Default,
    };

    public static Color Color(BackfillState state) => state switch
    {
        BackfillState.Running => MudBlazor.Color.Info,
        BackfillState.Paused => MudBlazor.Color.Warning,
        BackfillState.Finished => MudBlazor.Color.Success,
        _ => MudBlazor.Color.Default,
    };

    public static Color Color(BackfillItemState state) => state switch
    {
        BackfillItemState.Active => MudBlazor.Color.Info,
        BackfillItemState.Succeeded => MudBlazor.Color.Success,
        BackfillItemState.Failed => MudBlazor.Color.Error,
        BackfillItemState.Skipped => MudBlazor.Color.Dark,
        BackfillItemState.Canceled => MudBlazor.Color.Warning,
        _ => MudBlazor.Color.Default,
    };

    public static string Icon(SlotState state) => state switch
    {
        SlotState.Started => Icons.Material.Filled.PlayArrow,
        SlotState.Queued => Icons.Material.Filled.HourglassEmpty,
        SlotState.RetryWaiting => Icons.Material.Filled.Replay,
        SlotState.Skipped => Icons.Material.Filled.SkipNext,
        SlotState.Missed => Icons.Material.Filled.EventBusy,
        SlotState.Failed => Icons.Material.Filled.Error,
        _ => Icons.Material.Filled.Pending,
    };

    /// <summary>The time zones this server knows, for the editor's picker (IANA ids on Linux).</summary>
    public static IReadOnlyList<string> TimeZones { get; } = [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Append("UTC").Distinct().Order(StringComparer.Ordinal)];
}
