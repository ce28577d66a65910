using System.Globalization;
using AllData.Domain.Alerts;
using Microsoft.Extensions.Localization;

namespace AllData.Web.Features.Alerts;

internal static class AlertFormat
{
    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("g", CultureInfo.CurrentCulture);

    public static string Condition(AlertCondition c, IStringLocalizer l) => c.Kind switch
    {
        AlertConditionKind.RunFailed => l["Run failed"],
        AlertConditionKind.RunUnknownFor => l["Run Unknown for more than {0} min", c.Minutes ?? 0],
        AlertConditionKind.RestartedTooOften => l["Restarted more than {0} times in {1} min", c.Count ?? 0, c.WindowMinutes ?? 0],
        AlertConditionKind.RunTooLong => l["Run longer than {0} min or {1}× its median", c.Minutes?.ToString(CultureInfo.CurrentCulture) ?? "–",
            c.MedianFactor?.ToString(CultureInfo.CurrentCulture) ?? "–"],
        AlertConditionKind.NoSuccessSince => l["No successful run for {0} h", c.Hours ?? 0],
        AlertConditionKind.CheckpointFailures => l["At least {0} failed checkpoints", c.Count ?? 0],
        AlertConditionKind.ClusterUnreachable => l["Cluster unreachable for {0} min", c.Minutes ?? 0],
        AlertConditionKind.ScheduleMissed => l["Schedule missed a slot"],
        _ => l["Quality rule failed or score below {0}", c.ScoreBelow?.ToString(CultureInfo.CurrentCulture) ?? "–"],
    };
}
