using AllData.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace AllData.Infrastructure.Quality;

public static class QualitySetup
{
    /// <summary>Quality rules, the scan compiler and executor per source kind, scans, scores, the blocking gate of jobs that read a table, and the scans after runs that write one.</summary>
    public static IServiceCollection AddAllDataQuality(this IServiceCollection services)
    {
        services.AddOptions<QualityOptions>().BindConfiguration(QualityOptions.Section).ValidateDataAnnotations()
            .Validate(o => IsRegex(o.MaskPattern), "Quality:MaskPattern is not a valid regular expression.").ValidateOnStart();
        services.AddSingleton<IQualitySource, PostgresQualitySource>();
        services.AddSingleton<IQualitySource, AllData.Infrastructure.Sources.MySql.MySqlQualitySource>();
        services.AddSingleton<QualitySources>();
        services.AddSingleton<QualityScanner>();
        services.AddScopedInternal<QualityRuleService>();
        services.AddScopedInternal<QualityScanService>();
        services.AddScopedInternal<QualityGate>();
        services.AddScopedInternal<QualityQueries>();
        services.AddScopedInternal<JobTableService>();
        services.AddSingleton<Scheduling.IRunGate, QualityRunGate>();
        services.AddSingleton<ScanWrittenTablesJob>();
        services.AddScopedInternal<QualityScanScheduleService>();
        services.AddSingleton<ScheduledQualityScanJob>();
        services.AddQuartz(q =>
        {
            q.AddJob<ScheduledQualityScanJob>(j => j.WithIdentity(ScheduledQualityScanJob.Key).StoreDurably().DisallowConcurrentExecution());
            q.AddJob<ScanWrittenTablesJob>(j => j.WithIdentity(ScanWrittenTablesJob.Key).StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger(t => t.WithIdentity(ScanWrittenTablesJob.TriggerKey).ForJob(ScanWrittenTablesJob.Key)
                .WithSimpleSchedule(x => x.WithInterval(ScanWrittenTablesJob.Interval).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .StartNow());
        });
        return services;
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
