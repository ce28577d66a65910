using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure.Operations;

public static class OperationsSetup
{
    /// <summary>Runs (orchestrator, commands, ownership), the live event bus, operations and wall queries. Options: <c>AllData:Runs</c>.</summary>
    public static IServiceCollection AddAllDataOperations(this IServiceCollection services)
    {
        services.AddScopedInternal<WorkspaceOverviewService>();
        services.AddSingleton<ILiveEvents, LiveEventBus>();
        services.AddSingleton<RunRecorder>();
        services.AddOptions<RunOwnershipOptions>().BindConfiguration(RunOwnershipOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RunInstance>();
        services.AddSingleton<RunOrchestrator>();
        services.AddScoped(sp => new RunCommands(
            sp.GetRequiredService<IDbContextFactory<AllDataDbContext>>(), sp.GetRequiredService<WorkspaceContext>(), sp.GetRequiredService<RunOrchestrator>()));
        services.AddSingleton<RunOwnershipService>();
        services.AddHostedService(sp => sp.GetRequiredService<RunOwnershipService>());
        services.AddSingleton<LiveSequence>();
        services.AddSingletonInternal<LiveSnapshotService>();
        services.AddSingletonInternal<LiveAccessService>();
        services.AddScopedInternal<WallQueries>();
        services.AddSingleton<IClusterSummarySource, FlinkClusterSummarySource>();
        services.AddScopedInternal<OperationsQueries>();
        services.AddScopedInternal<WallTokenService>();
        services.AddScoped(sp => new RunRequestKeys(
            sp.GetRequiredService<IDbContextFactory<AllDataDbContext>>(), sp.GetRequiredService<WorkspaceContext>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
