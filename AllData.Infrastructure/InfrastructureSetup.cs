using AllData.Infrastructure.Alerts;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Flink;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Jobs;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Quality;
using AllData.Infrastructure.Scheduling;
using AllData.Infrastructure.Studio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure;

public static class InfrastructureSetup
{
    /// <summary>
    /// Every feature of the infrastructure, in dependency order, in one place: the app, every test host and the benches
    /// compose through this, so what is tested is what runs.
    /// </summary>
    public static IServiceCollection AddAllDataInfrastructure(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddAllDataPersistence(configuration)
            .AddAllDataIdentity()
            .AddAllDataJobs()
            .AddAllDataCatalog()
            .AddAllDataOperations()
            .AddAllDataStudio()
            .AddAllDataFlinkOperations()
            .AddAllDataQuality()
            .AddAllDataScheduling(configuration)
            .AddAllDataAlerts(configuration);
}
