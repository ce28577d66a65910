using AllData.Infrastructure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AllData.Infrastructure.Jobs;

public static class JobsSetup
{
    /// <summary>What every engine, preview and explain share: secrets, variables and the one script preparation.</summary>
    public static IServiceCollection AddAllDataJobs(this IServiceCollection services)
    {
        services.TryAddSingleton<Secrets>();
        services.TryAddSingleton<VariableSecrets>();
        services.TryAddSingleton<ScriptPreparation>();
        return services;
    }
}
