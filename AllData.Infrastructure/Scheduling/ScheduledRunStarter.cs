using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure.Scheduling;

/// <summary>What a schedule asks to run for one slot.</summary>
internal sealed record ScheduledRunRequest(
    Guid WorkspaceId, Guid JobId, Guid? PinnedVersionId, DateTimeOffset LogicalTime, IReadOnlyDictionary<string, string> Parameters,
    Guid ScheduleId, string Actor);

/// <summary>The one place scheduling starts and stops runs: <see cref="RunCommands"/> as the system.</summary>
internal sealed class ScheduledRunStarter(IServiceScopeFactory scopes)
{
    public async Task<RunStarted> StartAsync(ScheduledRunRequest request, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunCommands>().StartAsSystemAsync(request.WorkspaceId, request.Actor,
            new StartRunRequest(request.JobId, RunTrigger.Schedule)
            {
                VersionId = request.PinnedVersionId,
                LatestPublished = request.PinnedVersionId is null,
                LogicalTime = request.LogicalTime,
                Parameters = request.Parameters,
                ScheduleId = request.ScheduleId,
            }, ct);
    }

    public async Task CancelAsync(Guid workspaceId, Guid runId, string actor, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RunCommands>().CancelAsSystemAsync(workspaceId, runId, actor, ct);
    }
}
