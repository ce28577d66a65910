using AllData.Infrastructure.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace AllData.Infrastructure.Alerts;

public static class AlertsSetup
{
    /// <summary>
    /// Alerts: rules, channels and history services, the evaluator and the outbox dispatcher, and their Quartz jobs
    /// (an additive <c>AddQuartz</c>; the scheduling feature configures the clustered PostgreSQL job store).
    /// </summary>
    public static IServiceCollection AddAllDataAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddAlertServices();
        var options = configuration.GetSection(AlertOptions.Section).Get<AlertOptions>() ?? new AlertOptions();
        services.AddQuartz(q =>
        {
            q.ScheduleJob<EvaluateAlertsJob>(
                t => t.WithIdentity(AlertSchedulingKeys.EvaluateTrigger).StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(options.EvaluationSeconds)).RepeatForever()),
                j => j.WithIdentity(AlertSchedulingKeys.EvaluateJob).WithDescription("Evaluates alert rules"));
            q.ScheduleJob<DeliverAlertsJob>(
                t => t.WithIdentity(AlertSchedulingKeys.DeliverTrigger).StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(options.DeliverySeconds)).RepeatForever()),
                j => j.WithIdentity(AlertSchedulingKeys.DeliverJob).WithDescription("Delivers due alert notifications"));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>The alert services without Quartz (tests drive the evaluator and dispatcher directly).</summary>
    public static IServiceCollection AddAlertServices(this IServiceCollection services)
    {
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section);
        services.AddHttpClient(HttpAlertSender.ClientName, (sp, c) =>
            c.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AlertOptions>>().Value.SendTimeoutSeconds));
        services.AddSingleton<IAlertSender, EmailSender>();
        services.AddSingleton<IAlertSender, WebhookSender>();
        services.AddSingleton<IAlertSender, DingTalkSender>();
        services.AddSingleton<IAlertSender, WeComSender>();
        services.AddSingleton<IAlertSender, FeishuSender>();
        services.AddSingleton<IAlertSender, SlackSender>();
        services.AddSingleton<AlertSenders>();
        services.AddSingleton<AlertChannelSecretStore>();
        services.AddSingleton<AlertRendering>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<AlertDispatcher>();
        services.AddScopedInternal<AlertService>();
        services.AddSingletonInternal<AlertBoard>();
        services.AddSingletonInternal<AlertAckLinks>();
        services.AddTransient<EvaluateAlertsJob>();
        services.AddTransient<DeliverAlertsJob>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
