using AllData.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure.Quality;

public static class QualitySetup
{
    /// <summary>Quality rules, the scan compiler and executor per source kind, scans, scores and the blocking gate.</summary>
    public static IServiceCollection AddAllDataQuality(this IServiceCollection services)
    {
        services.AddOptions<QualityOptions>().BindConfiguration(QualityOptions.Section).ValidateDataAnnotations()
            .Validate(o => IsRegex(o.MaskPattern), "Quality:MaskPattern is not a valid regular expression.").ValidateOnStart();
        services.AddSingleton<IQualitySource, PostgresQualitySource>();
        services.AddSingleton<QualitySources>();
        services.AddSingleton<QualityScanner>();
        services.AddScopedInternal<QualityRuleService>();
        services.AddScopedInternal<QualityScanService>();
        services.AddScopedInternal<QualityGate>();
        services.AddScopedInternal<QualityQueries>();
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
