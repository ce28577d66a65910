using AllData.Infrastructure.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace AllData.Infrastructure.Scheduling;

public static class SchedulingSetup
{
    /// <summary>
    /// The clustered Quartz scheduler on AllData's PostgreSQL (tables from Quartz's own script, see
    /// <see cref="QuartzSchema"/>), schedules, their ledger and the run gates. Other features add their own jobs with
    /// their own <c>services.AddQuartz(q =&gt; …)</c>: the default scheduler's registration is additive, and the
    /// store is configured here only. Options: <c>Scheduling</c>.
    /// </summary>
    public static IServiceCollection AddAllDataScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new SchedulingOptions();
        var connectionString = configuration.GetConnectionString("AllData")
                               ?? throw new InvalidOperationException("ConnectionStrings:AllData is not set.");
        services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulingKeys.SchedulerName;
                s.GenerateInstanceId = true;
            });
            q.UseDefaultThreadPool(options.MaxConcurrency);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(c =>
                {
                    c.CheckinInterval = options.CheckinInterval;
                    c.CheckinMisfireThreshold = options.CheckinMisfireThreshold;
                });
                store.ConfigureStore(o =>
                {
                    o.AcquireTriggersWithinLock = true;
                    o.StoreJobDataAsStrings = true;
                    o.MisfireThreshold = options.MisfireThreshold;
                });
            });

            q.AddJob<StartScheduledRunJob>(j => j.WithIdentity(SchedulingKeys.StartScheduledRun).StoreDurably());
            q.AddJob<TendSchedulesJob>(j => j.WithIdentity(SchedulingKeys.TendSchedules).StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger(t => t.WithIdentity(SchedulingKeys.TendSchedulesTrigger).ForJob(SchedulingKeys.TendSchedules)
                .WithSimpleSchedule(x => x.WithInterval(options.TendInterval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .StartNow());
            q.AddJob<PumpBackfillsJob>(j => j.WithIdentity(SchedulingKeys.PumpBackfills).StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger(t => t.WithIdentity(SchedulingKeys.PumpBackfillsTrigger).ForJob(SchedulingKeys.PumpBackfills)
                .WithSimpleSchedule(x => x.WithInterval(options.BackfillInterval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .StartNow());
            q.AddJob<Flink.PruneFlinkMetricsJob>(j => j.WithIdentity(SchedulingKeys.PruneFlinkMetrics).StoreDurably());
            q.AddTrigger(t => t.WithIdentity(SchedulingKeys.PruneFlinkMetricsTrigger).ForJob(SchedulingKeys.PruneFlinkMetrics)
                .WithSimpleSchedule(x => x.WithInterval(Flink.PruneFlinkMetricsJob.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .StartNow());
        });
        if (options.RunScheduler)
        {
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }

        services.AddSingleton<ScheduledRunStarter>();
        services.AddSingleton<ScheduleFiring>();
        services.AddSingleton<ScheduleTriggers>();
        services.AddScopedInternal<ScheduleService>();
        services.AddSingletonInternal<ScheduleBoard>();
        services.AddScopedInternal<DependencyService>();
        services.AddSingleton<BackfillPump>();
        services.AddScopedInternal<BackfillService>();
        services.AddSingleton<IRunGate, DependencyGate>();
        return services;
    }
}
