namespace AllData.Domain.Scheduling;

/// <summary>One phrase of a cron expression in words: a resource key (<c>Cron…</c>) and its arguments, localised by the UI.</summary>
public sealed record CronPhrase(string Key, params string[] Args);

/// <summary>
/// Says a (valid) Quartz cron expression in words, as phrases the UI localises and joins: <c>0 30 2 * * ?</c> is
/// "at 02:30:00", "every day"; <c>0 */15 * ? * MON-FRI</c> is "every 15 minutes", "on MON-FRI".
/// </summary>
public static class CronWords
{
    public static IReadOnlyList<CronPhrase> Describe(string cron)
    {
        var f = cron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length is < 6 or > 7)
        {
            return [new CronPhrase("CronCustom", cron.Trim())];
        }

        var (s, m, h, dom, mon, dow) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        List<CronPhrase> phrases = [];
        if (IsNumber(s) && IsNumber(m) && IsNumber(h))
        {
            phrases.Add(new CronPhrase("CronAtTime", $"{int.Parse(h):00}:{int.Parse(m):00}:{int.Parse(s):00}"));
        }
        else
        {
            var perSecond = s == "*";
            if (perSecond)
            {
                phrases.Add(new CronPhrase("CronEverySecond"));
            }
            else if (Step(s) is { } ns)
            {
                phrases.Add(new CronPhrase("CronEveryNSeconds", ns));
            }
            else if (IsNumber(s) && s != "0")
            {
                phrases.Add(new CronPhrase("CronAtSecond", s));
            }
            else if (!IsNumber(s))
            {
                phrases.Add(new CronPhrase("CronSeconds", s));
            }

            if (m == "*")
            {
                if (!perSecond && Step(s) is null)
                {
                    phrases.Add(new CronPhrase("CronEveryMinute"));
                }
            }
            else if (Step(m) is { } nm)
            {
                phrases.Add(new CronPhrase("CronEveryNMinutes", nm));
            }
            else if (IsNumber(m))
            {
                phrases.Add(new CronPhrase(h == "*" ? "CronAtMinuteOfEveryHour" : "CronAtMinute", m));
            }
            else
            {
                phrases.Add(new CronPhrase("CronMinutes", m));
            }

            if (Step(h) is { } nh)
            {
                phrases.Add(new CronPhrase("CronEveryNHours", nh));
            }
            else if (h != "*")
            {
                phrases.Add(new CronPhrase("CronDuringHours", h));
            }
        }

        var anyDom = dom is "*" or "?";
        var anyDow = dow is "*" or "?";
        if (anyDom && anyDow)
        {
            phrases.Add(new CronPhrase("CronEveryDay"));
        }
        else
        {
            if (!anyDom)
            {
                phrases.Add(dom == "L" ? new CronPhrase("CronLastDayOfMonth") : new CronPhrase("CronOnDaysOfMonth", dom));
            }

            if (!anyDow)
            {
                phrases.Add(new CronPhrase("CronOnWeekdays", dow.ToUpperInvariant()));
            }
        }

        if (mon != "*")
        {
            phrases.Add(new CronPhrase("CronInMonths", mon.ToUpperInvariant()));
        }

        if (f.Length == 7 && f[6] != "*")
        {
            phrases.Add(new CronPhrase("CronInYears", f[6]));
        }

        return phrases;
    }

    private static bool IsNumber(string field) => field.Length > 0 && field.All(char.IsAsciiDigit);

    private static string? Step(string field)
    {
        var slash = field.IndexOf('/');
        return slash > 0 && field[..slash] is "*" or "0" && IsNumber(field[(slash + 1)..]) ? field[(slash + 1)..] : null;
    }
}
