using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

/// <summary>What to run and how. With neither <see cref="VersionId"/> nor <see cref="LatestPublished"/> the draft runs (studio only).</summary>
public sealed record StartRunRequest(Guid JobId, RunTrigger Trigger)
{
    /// <summary>A pinned published version.</summary>
    public Guid? VersionId { get; init; }

    /// <summary>Runs the latest published version (schedules, the API).</summary>
    public bool LatestPublished { get; init; }

    /// <summary>Part of the script (studio "run at cursor/selection"); null runs it all.</summary>
    public StatementRange? Range { get; init; }

    /// <summary>The data time of the run (a schedule's slot); manual runs use the time they start.</summary>
    public DateTimeOffset? LogicalTime { get; init; }

    /// <summary>The Flink savepoint or checkpoint to restore from; null lets the job's settings decide.</summary>
    public string? RestorePath { get; init; }

    /// <summary>Extra <c>${variables}</c>; they win over the job's and the workspace's.</summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    /// <summary>The schedule whose fire starts the run.</summary>
    public Guid? ScheduleId { get; init; }

    public bool RunsDraft => VersionId is null && !LatestPublished;
}

/// <summary>
/// The one way to start, stop and rerun runs, for the studio, the operations pages, Flink operations, the
/// auto-restarter, schedules and the API. Each command as the signed-in user is checked here, server side: starting
/// a published version, stopping and rerunning need Operator, running a draft Developer. Commands "as the system"
/// (schedules, auto-restart) name what acts instead of a user and are for trusted background work only.
/// </summary>
public sealed class RunCommands
{
    private readonly IDbContextFactory<AllDataDbContext> _factory;
    private readonly WorkspaceContext _workspace;
    private readonly RunOrchestrator _orchestrator;

    internal RunCommands(IDbContextFactory<AllDataDbContext> factory, WorkspaceContext workspace, RunOrchestrator orchestrator)
    {
        _factory = factory;
        _workspace = workspace;
        _orchestrator = orchestrator;
    }

    /// <summary>Starts a run as the signed-in user in their current workspace.</summary>
    public async Task<RunStarted> StartAsync(StartRunRequest request, CancellationToken ct = default)
    {
        var access = await _workspace.RequireWorkspaceAsync(ct);
        if (request.RunsDraft)
        {
            access.Require(WorkspaceRole.Developer, "run drafts");
            if (request.Trigger is not RunTrigger.Manual)
            {
                throw new DomainException("Only manual runs can run the draft.");
            }
        }
        else
        {
            access.Require(WorkspaceRole.Operator, "run jobs");
        }

        if (request.Trigger is RunTrigger.AutoRestart or RunTrigger.Schedule)
        {
            throw new DomainException("Scheduled and restarted runs are started by the system.");
        }

        return await _orchestrator.StartAsync(new RunStart(access.WorkspaceId, await _workspace.UserNameAsync(ct), request), ct);
    }

    /// <summary>Starts a run for trusted background work (a schedule fire, an auto-restart); <paramref name="actor"/> says what started it.</summary>
    public Task<RunStarted> StartAsSystemAsync(Guid workspaceId, string actor, StartRunRequest request, CancellationToken ct = default)
    {
        if (request.RunsDraft)
        {
            throw new DomainException("Scheduled and restarted runs always run a published version.");
        }

        return _orchestrator.StartAsync(new RunStart(workspaceId, actor, request), ct);
    }

    /// <summary>Stops a run of the current workspace (Operator). Honoured by whichever instance executes it.</summary>
    public async Task CancelAsync(Guid runId, CancellationToken ct = default)
    {
        var access = await _workspace.RequireWorkspaceAsync(ct);
        access.Require(WorkspaceRole.Operator, "stop runs");
        await FindAsync(access.WorkspaceId, runId, ct);
        await _orchestrator.CancelAsync(runId, await _workspace.UserNameAsync(ct), ct);
    }

    /// <summary>Stops a run for trusted background work (a schedule's overlap policy, a timeout).</summary>
    public async Task CancelAsSystemAsync(Guid workspaceId, Guid runId, string actor, CancellationToken ct = default)
    {
        await FindAsync(workspaceId, runId, ct);
        await _orchestrator.CancelAsync(runId, actor, ct);
    }

    /// <summary>Starts the run's job again with what it was started with: the same version (or the current draft), logical time and parameters.</summary>
    public async Task<RunStarted> RerunAsync(Guid runId, CancellationToken ct = default)
    {
        var access = await _workspace.RequireWorkspaceAsync(ct);
        var run = await FindAsync(access.WorkspaceId, runId, ct);
        var request = new StartRunRequest(run.JobId, run.Trigger is RunTrigger.Api ? RunTrigger.Api : RunTrigger.Manual)
        {
            VersionId = run.JobVersionId,
            LogicalTime = run.LogicalTime,
            Parameters = run.Parameters,
            ScheduleId = null,
        };
        return await StartAsync(request, ct);
    }

    /// <summary>Completes when the run executing in this process has ended (at once otherwise): for tests and benches.</summary>
    public Task WhenEndedHereAsync(Guid runId) => _orchestrator.WhenEndedAsync(runId);

    private async Task<JobRun> FindAsync(Guid workspaceId, Guid runId, CancellationToken ct)
    {
        await using var db = await _factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        return await db.Set<JobRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct)
               ?? throw new DomainException("That run does not exist.");
    }
}
