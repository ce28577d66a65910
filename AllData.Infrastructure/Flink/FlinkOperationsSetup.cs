using AllData.Infrastructure.Flink.Tracking;
using AllData.Infrastructure.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure.Flink;

public static class FlinkOperationsSetup
{
    /// <summary>
    /// Flink clusters, their health monitor, the per-cluster trackers, the Flink SQL engine and job operations
    /// (and the REST clients through <see cref="FlinkSetup.AddAllDataFlink"/> unless already registered). Options: <c>Flink:Tracker</c>.
    /// </summary>
    public static IServiceCollection AddAllDataFlinkOperations(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(FlinkClientFactory)))
        {
            services.AddAllDataFlink();
        }

        services.AddOptions<FlinkTrackerOptions>().BindConfiguration(FlinkTrackerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FlinkClusterConnections>();
        services.AddScoped<FlinkClusterService>();
        services.AddSingleton<ClusterHealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterHealthMonitor>());
        services.AddSingleton<FlinkTrackerSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<FlinkTrackerSupervisor>());
        services.AddSingleton<FlinkSavepointRunner>();
        services.AddScoped<FlinkJobOperations>();
        services.AddSingleton<FlinkAutoRestarter>();
        services.AddHostedService(sp => sp.GetRequiredService<FlinkAutoRestarter>());
        services.AddScoped<FlinkLogTail>();
        services.AddScoped<FlinkRunInsights>();
        services.AddSingleton<FlinkPreviewStore>();
        services.AddScoped<FlinkPreviewService>();
        services.AddSingleton<FlinkMetricSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<FlinkMetricSampler>());
        services.AddOptions<FlinkJarOptions>().BindConfiguration(FlinkJarOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FlinkJarStore>();
        services.AddScoped<FlinkJarService>();
        services.AddSingleton<FlinkJarJobEngine>();
        services.AddSingleton<IJobEngine>(sp => sp.GetRequiredService<FlinkJarJobEngine>());
        services.AddSingleton<FlinkSqlJobEngine>();
        services.AddSingleton<IJobEngine>(sp => sp.GetRequiredService<FlinkSqlJobEngine>());
        return services;
    }
}
