using System.Globalization;

namespace AllData.Domain.Scheduling;

/// <summary>
/// The variables a scheduled run's script can use, from its logical (data) time: the slot it runs for, not the
/// moment it happens to start. Dates are in the schedule's time zone. A manual run's logical time is "now".
/// </summary>
public static class LogicalTimeVariables
{
    /// <summary>The names this helper defines, in the order docs/studio.md lists them.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "logical_date", "logical_date_nodash", "logical_time", "logical_datetime", "logical_month", "logical_year",
        "logical_hour", "logical_timestamp", "prev_logical_date", "prev_logical_date_nodash", "prev_logical_time",
        "next_logical_date",
    ];

    /// <param name="logical">The slot's time.</param>
    /// <param name="previous">The slot before it (null: the day before, for a manual run).</param>
    /// <param name="next">The slot after it (null: the day after).</param>
    public static IReadOnlyDictionary<string, string> For(DateTimeOffset logical, DateTimeOffset? previous, DateTimeOffset? next, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(logical, zone);
        var prev = TimeZoneInfo.ConvertTime(previous ?? logical.AddDays(-1), zone);
        var after = TimeZoneInfo.ConvertTime(next ?? logical.AddDays(1), zone);
        var c = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["logical_date"] = local.ToString("yyyy-MM-dd", c),
            ["logical_date_nodash"] = local.ToString("yyyyMMdd", c),
            ["logical_time"] = local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", c),
            ["logical_datetime"] = local.ToString("yyyy-MM-dd HH:mm:ss", c),
            ["logical_month"] = local.ToString("yyyy-MM", c),
            ["logical_year"] = local.ToString("yyyy", c),
            ["logical_hour"] = local.ToString("HH", c),
            ["logical_timestamp"] = logical.ToUnixTimeSeconds().ToString(c),
            ["prev_logical_date"] = prev.ToString("yyyy-MM-dd", c),
            ["prev_logical_date_nodash"] = prev.ToString("yyyyMMdd", c),
            ["prev_logical_time"] = prev.ToString("yyyy-MM-dd'T'HH:mm:sszzz", c),
            ["next_logical_date"] = after.ToString("yyyy-MM-dd", c),
        };
    }
}
