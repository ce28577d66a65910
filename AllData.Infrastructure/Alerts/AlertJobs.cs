using Microsoft.Extensions.Logging;
using Quartz;

namespace AllData.Infrastructure.Alerts;

/// <summary>Job and trigger names of the alert feature's Quartz jobs.</summary>
public static class AlertSchedulingKeys
{
    public static readonly JobKey EvaluateJob = new("evaluate-alerts", "alerts");
    public static readonly TriggerKey EvaluateTrigger = new("evaluate-alerts", "alerts");
    public static readonly JobKey DeliverJob = new("deliver-alerts", "alerts");
    public static readonly TriggerKey DeliverTrigger = new("deliver-alerts", "alerts");
}

/// <summary>Every N seconds on one node of the cluster: evaluate the rules, then send what became due.</summary>
[DisallowConcurrentExecution]
internal sealed class EvaluateAlertsJob(AlertEvaluator evaluator, AlertDispatcher dispatcher, ILogger<EvaluateAlertsJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await evaluator.EvaluateAsync(cancellationToken);
            await dispatcher.DispatchAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Alert evaluation failed; the next run tries again");
        }
    }
}

/// <summary>Sends due notifications (retries, grouped sends at the end of their window) between evaluations.</summary>
[DisallowConcurrentExecution]
internal sealed class DeliverAlertsJob(AlertDispatcher dispatcher, ILogger<DeliverAlertsJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await dispatcher.DispatchAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Alert delivery failed; the next run tries again");
        }
    }
}
