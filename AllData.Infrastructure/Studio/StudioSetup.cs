using AllData.Infrastructure.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AllData.Infrastructure.Studio;

public static class StudioSetup
{
    /// <summary>Jobs, versions, variables, the run orchestrator with the database SQL engine, studio results and explain.</summary>
    public static IServiceCollection AddAllDataStudio(this IServiceCollection services)
    {
        services.AddAllDataSqlEngines();
        services.AddSingleton<VariableSecrets>();
        services.AddSingleton<StudioResultStore>();
        services.AddSingleton<DatabaseSqlJobEngine>();
        services.AddSingleton<IJobEngine>(sp => sp.GetRequiredService<DatabaseSqlJobEngine>());
        services.AddSingleton<RunOrchestrator>();
        services.AddHostedService<OrphanedRunRecovery>();
        services.AddScoped<JobTreeService>();
        services.AddScoped<JobService>();
        services.AddScoped<JobVersionService>();
        services.AddScoped<VariableService>();
        services.AddScoped<RunService>();
        services.AddScoped<ExplainService>();
        return services;
    }
}

/// <summary>On start: database runs a crash left Queued/Submitting/Running are marked Failed, so nothing stays Running forever.</summary>
internal sealed class OrphanedRunRecovery(RunOrchestrator orchestrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => orchestrator.FailOrphanedRunsAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
