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
        services.AddScoped<WorkspaceOverviewService>();
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
        services.AddSingleton<LiveSnapshotService>();
        services.AddSingleton<LiveAccessService>();
        services.AddScoped<WallQueries>();
        services.AddSingleton<IClusterSummarySource, FlinkClusterSummarySource>();
        services.AddScoped<OperationsQueries>();
        services.AddScoped<WallTokenService>();
        return services;
    }
}
