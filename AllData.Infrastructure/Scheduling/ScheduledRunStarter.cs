using AllData.Domain.Common;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Scheduling;

/// <summary>What a schedule asks to run for one slot.</summary>
internal sealed record ScheduledRunRequest(
    Guid WorkspaceId, Guid JobId, Guid? PinnedVersionId, DateTimeOffset LogicalTime, IReadOnlyDictionary<string, string> Parameters,
    Guid ScheduleId, string Actor);

/// <summary>
/// The one place scheduling starts and stops runs. It speaks to the run orchestrator today; when
/// <c>RunCommands.StartAsSystemAsync(workspaceId, actor, new StartRunRequest { LatestPublished / VersionId, LogicalTime,
/// Parameters, ScheduleId })</c> is in main, this body becomes that one call.
/// </summary>
internal sealed class ScheduledRunStarter(IDbContextFactory<AllDataDbContext> factory, RunOrchestrator orchestrator)
{
    public async Task<RunStarted> StartAsync(ScheduledRunRequest request, CancellationToken ct)
    {
        Guid versionId;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            db.WorkspaceId = request.WorkspaceId;
            versionId = request.PinnedVersionId
                        ?? await db.Set<JobVersion>().AsNoTracking().Where(v => v.JobId == request.JobId)
                            .OrderByDescending(v => v.Number).Select(v => (Guid?)v.Id).FirstOrDefaultAsync(ct)
                        ?? throw new DomainException("The job has no published version: publish it before it can run on a schedule.");
        }

        return await orchestrator.StartAsync(request.WorkspaceId, request.Actor, request.JobId, RunTrigger.Schedule, versionId, null,
            request.Parameters, ct);
    }

    public Task CancelAsync(Guid runId, string actor, CancellationToken ct) => orchestrator.CancelAsync(runId, actor, ct);
}
