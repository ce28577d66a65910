using System.Globalization;
using System.Text;

namespace AllData.Domain.Alerts;

/// <summary>One subject in a message: what it is, why, when, and the page to open.</summary>
public sealed record AlertMessageItem(string RuleName, AlertNotificationKind Kind, string SubjectName, string Reason, DateTimeOffset At, string? Link,
    string? AckLink = null);

/// <summary>
/// What one send carries: one notification, a group (one rule, several subjects within the grouping window),
/// or a digest (the channel's rate was used up, so everything due is folded into one).
/// </summary>
public sealed record AlertMessage(Guid Id, IReadOnlyList<AlertMessageItem> Items, bool IsDigest, DateTimeOffset At)
{
    public AlertNotificationKind Kind => Items.Select(i => i.Kind).Distinct().Count() == 1 ? Items[0].Kind : AlertNotificationKind.Firing;

    public string RuleName => Items.Select(i => i.RuleName).Distinct().Count() == 1 ? Items[0].RuleName : string.Empty;
}

/// <summary>A rendered message: a title and a body (markdown-ish plain text), in the workspace's language.</summary>
public sealed record RenderedAlert(string Title, string Body);

/// <summary>
/// Default templates per language, and rendering with placeholders:
/// {rule} {state} {count} {subjects} {time}; each subject line shows {subject}, {reason}, {time} and {link}.
/// </summary>
public static class AlertTemplates
{
    public const string DefaultTitleEn = "[{state}] {rule}";
    public const string DefaultBodyEn = "{state}: {rule} ({count})\n{subjects}";
    public const string DefaultTitleZh = "【{state}】{rule}";
    public const string DefaultBodyZh = "{state}:{rule}({count})\n{subjects}";

    public static string DefaultTitle(string language) => IsZh(language) ? DefaultTitleZh : DefaultTitleEn;

    public static string DefaultBody(string language) => IsZh(language) ? DefaultBodyZh : DefaultBodyEn;

    public static string StateText(AlertNotificationKind kind, bool digest, string language) => (kind, digest, IsZh(language)) switch
    {
        (_, true, false) => "DIGEST",
        (_, true, true) => "汇总",
        (AlertNotificationKind.Firing, _, false) => "FIRING",
        (AlertNotificationKind.Firing, _, true) => "告警",
        (AlertNotificationKind.Resolved, _, false) => "RESOLVED",
        (AlertNotificationKind.Resolved, _, true) => "已恢复",
        (_, _, false) => "REMINDER",
        _ => "提醒",
    };

    public static RenderedAlert Render(AlertMessage message, string language, string? titleTemplate = null, string? bodyTemplate = null)
    {
        var zh = IsZh(language);
        var state = StateText(message.Kind, message.IsDigest, language);
        var rule = message.IsDigest || message.RuleName.Length == 0
            ? (zh ? $"{message.Items.Select(i => i.RuleName).Distinct().Count()} 条规则" : $"{message.Items.Select(i => i.RuleName).Distinct().Count()} rules")
            : message.RuleName;
        var count = zh ? $"{message.Items.Count} 项" : message.Items.Count == 1 ? "1 subject" : $"{message.Items.Count} subjects";
        var lines = new StringBuilder();
        foreach (var item in message.Items)
        {
            lines.Append("- ");
            if (message.IsDigest)
            {
                lines.Append('[').Append(StateText(item.Kind, false, language)).Append("] ").Append(item.RuleName).Append(" · ");
            }

            lines.Append(item.SubjectName);
            if (item.Reason.Length > 0)
            {
                lines.Append(zh ? ":" : ": ").Append(item.Reason);
            }

            lines.Append(" (").Append(FormatTime(item.At)).Append(')');
            if (item.Link is { } link)
            {
                lines.Append(' ').Append(link);
            }

            if (item.AckLink is { } ack)
            {
                lines.Append(zh ? " · 确认：" : " · acknowledge: ").Append(ack);
            }

            lines.Append('\n');
        }

        string Fill(string template) => template
            .Replace("{rule}", rule, StringComparison.Ordinal)
            .Replace("{state}", state, StringComparison.Ordinal)
            .Replace("{count}", count, StringComparison.Ordinal)
            .Replace("{time}", FormatTime(message.At), StringComparison.Ordinal)
            .Replace("{subjects}", lines.ToString().TrimEnd('\n'), StringComparison.Ordinal);

        return new RenderedAlert(
            Fill(string.IsNullOrWhiteSpace(titleTemplate) ? DefaultTitle(language) : titleTemplate),
            Fill(string.IsNullOrWhiteSpace(bodyTemplate) ? DefaultBody(language) : bodyTemplate));
    }

    public static string FormatTime(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static bool IsZh(string language) => language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
}

/// <summary>How many of the due groups a channel may send now, given what it sent in the last minute.</summary>
public sealed record RatePlan(int SendIndividually, bool FoldRestIntoDigest, DateTimeOffset? DeferUntil);

/// <summary>
/// Per-channel rate shaping: at most N messages a minute. When more groups are due than the budget left, the last message
/// of the budget is a digest of all the rest; with no budget left, everything waits until the oldest send leaves the minute.
/// Nothing is ever dropped.
/// </summary>
public static class AlertRateShaper
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static RatePlan Plan(int dueGroups, IReadOnlyList<DateTimeOffset> sentTimes, int maxPerMinute, DateTimeOffset now)
    {
        var recent = sentTimes.Where(t => now - t < Window).Order().ToList();
        var budget = maxPerMinute - recent.Count;
        if (dueGroups == 0)
        {
            return new RatePlan(0, false, null);
        }

        if (budget <= 0)
        {
            return new RatePlan(0, false, recent[Math.Max(0, recent.Count - maxPerMinute)] + Window);
        }

        return dueGroups <= budget ? new RatePlan(dueGroups, false, null) : new RatePlan(budget - 1, true, null);
    }
}

/// <summary>
/// Grouping: the first notification of a rule on a channel goes out at once; one arriving within the window after it waits
/// for the window's end, and every other arriving meanwhile joins that same send. <paramref name="anchor"/> is the latest
/// due time of the rule's notifications on the channel.
/// </summary>
public static class AlertGrouping
{
    public static DateTimeOffset DueAt(DateTimeOffset now, DateTimeOffset? anchor, TimeSpan window) => anchor switch
    {
        null => now,
        { } a when a >= now => a,
        { } a when now - a < window => a + window,
        _ => now,
    };
}
