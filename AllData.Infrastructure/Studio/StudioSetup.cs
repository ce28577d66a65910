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
        services.AddScoped<JobTreeService>();
        services.AddScoped<JobService>();
        services.AddScoped<JobVersionService>();
        services.AddScoped<VariableService>();
        services.AddScoped<RunService>();
        services.AddScoped<ExplainService>();
        return services;
    }
}
