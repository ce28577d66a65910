using System.Globalization;

namespace AllData.Web.Features.Operations;

/// <summary>Times and durations as the operations screens show them.</summary>
public static class Format
{
    public static string When(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan? span) => span is not { } d ? "—"
        : d.TotalHours >= 1 ? $"{(int)d.TotalHours}h {d.Minutes:00}m {d.Seconds:00}s"
        : d.TotalMinutes >= 1 ? $"{d.Minutes}m {d.Seconds:00}s"
        : $"{Math.Max(0, d.TotalSeconds):0.0}s";
}
