using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Sources.MySql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AllData.Infrastructure.Catalog;

public static class CatalogSetup
{
    /// <summary>Data sources, catalog readers, sync, browse/search/preview/profile and the demo warehouse.</summary>
    public static IServiceCollection AddAllDataCatalog(this IServiceCollection services)
    {
        services.AddSingleton<DataSourceSecrets>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICatalogReader, PostgresCatalogReader>());
        services.AddMySqlSources();
        services.AddSingleton<CatalogReaders>();
        services.AddScoped<CatalogSyncService>();
        services.AddScopedInternal<DataSourceService>();
        services.AddScopedInternal<CatalogService>();
        services.AddScopedInternal<DemoWarehouseSetup>();
        return services;
    }
}
