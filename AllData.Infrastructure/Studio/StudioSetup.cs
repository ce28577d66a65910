using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure.Studio;

public static class StudioSetup
{
    /// <summary>Jobs, versions, variables, the database SQL engine, studio results and explain.</summary>
    public static IServiceCollection AddAllDataStudio(this IServiceCollection services)
    {
        services.AddAllDataSqlEngines();
        services.AddSingleton<StudioResultStore>();
        services.AddSingleton<DatabaseSqlJobEngine>();
        services.AddSingleton<IJobEngine>(sp => sp.GetRequiredService<DatabaseSqlJobEngine>());
        services.AddScopedInternal<JobTreeService>();
        services.AddScopedInternal<JobService>();
        services.AddScopedInternal<JobVersionService>();
        services.AddScopedInternal<AllData.Infrastructure.Jobs.JobBundleService>();
        services.AddScopedInternal<VariableService>();
        services.AddScopedInternal<RunService>();
        services.AddScopedInternal<ExplainService>();
        return services;
    }
}
