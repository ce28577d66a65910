using AllData.Infrastructure.Sources.MySql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AllData.Infrastructure.Studio;

public static class SqlEngineSetup
{
    /// <summary>The database SQL engine (stateless; one instance serves every run).</summary>
    public static IServiceCollection AddAllDataSqlEngines(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DatabaseSqlEngine>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabaseSqlEngine, DatabaseSqlEngine>(sp => sp.GetRequiredService<DatabaseSqlEngine>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlanExplainer, PostgresPlanExplainer>());
        services.TryAddSingleton<DatabaseSqlEngines>();
        services.AddMySqlSources();
        return services;
    }
}
