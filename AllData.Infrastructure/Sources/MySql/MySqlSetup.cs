using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Studio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AllData.Infrastructure.Sources.MySql;

/// <summary>
/// MySQL and MariaDB sources: everything of this kind lives in this folder (catalog reader, SQL engine, EXPLAIN), each
/// behind the interface the features use. Another kind of source is another folder like this one.
/// </summary>
public static class MySqlSetup
{
    /// <summary>Registers the MySQL reader, engine and explainer once, however often it is called.</summary>
    public static IServiceCollection AddMySqlSources(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICatalogReader, MySqlCatalogReader>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabaseSqlEngine, MySqlSqlEngine>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlanExplainer, MySqlPlanExplainer>());
        return services;
    }
}
