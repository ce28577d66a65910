using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure.Operations;

public static class OperationsSetup
{
    public static IServiceCollection AddAllDataOperations(this IServiceCollection services)
    {
        services.AddScoped<WorkspaceOverviewService>();
        services.AddSingleton<ILiveEvents, LiveEventBus>();
        services.AddSingleton<RunRecorder>();
        services.AddSingleton<LiveSequence>();
        services.AddSingleton<LiveSnapshotService>();
        services.AddSingleton<LiveAccessService>();
        services.AddScoped<WallQueries>();
        services.AddSingleton<IClusterSummarySource, FlinkClusterSummarySource>();
        services.AddScoped<OperationsQueries>();
        services.AddScoped<WallTokenService>();
        services.AddScoped<RunRequestKeys>();
        return services;
    }
}
