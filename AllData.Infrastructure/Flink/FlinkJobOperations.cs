using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Studio;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Flink;

public sealed record FlinkSavepointOperationView(
    Guid Id, Guid RunId, string FlinkJobId, FlinkSavepointOperationKind Kind, FlinkSavepointOperationStatus Status, int Polls,
    DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? Location, string? Error, string? RequestedBy);

public sealed record FlinkSnapshotView(Guid Id, Guid? RunId, string FlinkJobId, FlinkSnapshotKind Kind, long? CheckpointId, string Path, long StateSize, DateTimeOffset CompletedAt);

/// <summary>A savepoint operation moved (polled, completed, failed, timed out): the run page shows its progress.</summary>
public sealed record FlinkSavepointProgress(Guid WorkspaceId, Guid RunId, FlinkSavepointOperationView Operation) : LiveEvent(WorkspaceId);

/// <summary>Runs savepoint operations against Flink: triggered, polled with a bound until done or timed out, stored and published.</summary>
internal sealed class FlinkSavepointRunner(
    IDbContextFactory<AllDataDbContext> factory, FlinkClusterConnections connections, ILiveEvents events, TimeProvider clock,
    IOptions<FlinkTrackerOptions> options, ILogger<FlinkSavepointRunner> logger)
{
    public async Task<FlinkSavepointOperationView> RunAsync(JobRun run, FlinkSavepointOperationKind kind, string? targetDirectory, string? by, CancellationToken ct)
    {
        if (run.IsFinal || run.FlinkJobId is null || run.FlinkClusterId is not { } clusterId)
        {
            throw new DomainException("Only a live Flink run can take a savepoint.");
        }

        var jobId = Domain.Flink.FlinkJobId.Parse(run.FlinkJobId);
        FlinkJobManagerClient client;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var cluster = await db.Set<FlinkCluster>().IgnoreQueryFilters().AsNoTracking().FirstAsync(c => c.Id == clusterId, ct);
            client = connections.JobManager(cluster);
        }

        var triggerId = Guid.NewGuid().ToString("N");
        triggerId = kind == FlinkSavepointOperationKind.Savepoint
            ? await client.TriggerSavepointAsync(jobId, targetDirectory, cancelJob: false, ct, triggerId)
            : await client.StopWithSavepointAsync(jobId, targetDirectory, kind == FlinkSavepointOperationKind.StopWithSavepointAndDrain, ct, triggerId);
        var operation = new FlinkSavepointOperation(run.WorkspaceId, run.Id, jobId.Value, kind, triggerId, by, clock.GetUtcNow());
        await SaveAsync(operation, ct);

        var started = clock.GetTimestamp();
        while (true)
        {
            FlinkSavepointStatus status;
            try
            {
                status = await client.GetSavepointStatusAsync(jobId, triggerId, ct);
            }
            catch (FlinkClientException e) when (e is FlinkUnreachableException || e is FlinkRestException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError })
            {
                status = new FlinkSavepointStatus(FlinkAsyncOperationState.InProgress, null, null, null);
                logger.LogInformation("Savepoint {TriggerId} of {FlinkJobId} could not be polled: {Error}", triggerId, jobId, e.Message);
            }

            operation.Polled();
            var at = clock.GetUtcNow();
            if (status.State == FlinkAsyncOperationState.Succeeded && status.Location is { } location)
            {
                operation.Complete(location, at);
                await SaveAsync(operation, ct, new FlinkSnapshot(run.WorkspaceId, run.JobId, run.Id, jobId.Value, FlinkSnapshotKind.Savepoint, null, location, 0, at));
                return View(operation);
            }

            if (status.State != FlinkAsyncOperationState.InProgress)
            {
                operation.Fail(status.FailureClass is null ? "The savepoint failed." : $"{status.FailureClass}: {FirstLine(status.FailureStackTrace)}", at);
                await SaveAsync(operation, ct);
                return View(operation);
            }

            if (clock.GetElapsedTime(started) + options.Value.SavepointPollInterval > options.Value.SavepointTimeout)
            {
                operation.TimeOut($"The savepoint did not complete within {options.Value.SavepointTimeout.TotalSeconds:0.#} s; Flink may still finish it.", at);
                await SaveAsync(operation, ct);
                return View(operation);
            }

            await SaveAsync(operation, ct);
            await Task.Delay(options.Value.SavepointPollInterval, clock, ct);
        }
    }

    internal static FlinkSavepointOperationView View(FlinkSavepointOperation o) =>
        new(o.Id, o.RunId, o.FlinkJobId, o.Kind, o.Status, o.Polls, o.StartedAt, o.EndedAt, o.Location, o.Error, o.RequestedBy);

    private static string? FirstLine(string? text) => text?.Split('\n', 2)[0].Trim();

    private async Task SaveAsync(FlinkSavepointOperation operation, CancellationToken ct, FlinkSnapshot? snapshot = null)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.Set<FlinkSavepointOperation>().IgnoreQueryFilters().AnyAsync(o => o.Id == operation.Id, ct))
        {
            db.Update(operation);
        }
        else
        {
            db.Add(operation);
        }

        if (snapshot is not null && !await db.Set<FlinkSnapshot>().IgnoreQueryFilters().AnyAsync(s => s.FlinkJobId == snapshot.FlinkJobId && s.Path == snapshot.Path, ct))
        {
            db.Add(snapshot);
        }

        await db.SaveChangesAsync(ct);
        events.Publish(new FlinkSavepointProgress(operation.WorkspaceId, operation.RunId, View(operation)));
    }
}

/// <summary>Operating Flink runs for the acting user (Operator role): cancel, savepoints, stop, restart; and reading their savepoints.</summary>
internal sealed class FlinkJobOperations(
    AppDb appDb, WorkspaceContext workspace, RunCommands commands, FlinkSavepointRunner savepoints,
    TimeProvider clock)
{
    /// <summary>Cancels the run's Flink job; the tracker records Canceled when Flink reports it.</summary>
    public async Task CancelAsync(Guid runId, CancellationToken ct = default)
    {
        await RequireRunAsync(runId, ct);
        await commands.CancelAsync(runId, ct);
    }

    public async Task<FlinkSavepointOperationView> TriggerSavepointAsync(Guid runId, CancellationToken ct = default)
    {
        var (run, settings) = await RequireRunAsync(runId, ct);
        return await savepoints.RunAsync(run, FlinkSavepointOperationKind.Savepoint, settings.SavepointDirectory, await workspace.UserNameAsync(ct), ct);
    }

    /// <summary>Stops the job with a savepoint (optionally draining first); the tracker records the end.</summary>
    public async Task<FlinkSavepointOperationView> StopWithSavepointAsync(Guid runId, bool drain, CancellationToken ct = default)
    {
        var (run, settings) = await RequireRunAsync(runId, ct);
        var kind = drain ? FlinkSavepointOperationKind.StopWithSavepointAndDrain : FlinkSavepointOperationKind.StopWithSavepoint;
        return await savepoints.RunAsync(run, kind, settings.SavepointDirectory, await workspace.UserNameAsync(ct), ct);
    }

    /// <summary>Stops the job with a savepoint, then starts a new run of the same version restored from it. Returns the new run.</summary>
    public async Task<Guid> RestartAsync(Guid runId, CancellationToken ct = default)
    {
        var (run, settings) = await RequireRunAsync(runId, ct);
        var by = await workspace.UserNameAsync(ct);
        var stop = await savepoints.RunAsync(run, FlinkSavepointOperationKind.StopWithSavepoint, settings.SavepointDirectory, by, ct);
        if (stop.Status != FlinkSavepointOperationStatus.Completed || stop.Location is null)
        {
            throw new DomainException($"The job was not restarted: the stop with savepoint ended {stop.Status}. {stop.Error}");
        }

        var started = await commands.StartAsync(new StartRunRequest(run.JobId, RunTrigger.Manual) { VersionId = run.JobVersionId, RestorePath = stop.Location }, ct);
        return started.RunId;
    }

    public async Task<IReadOnlyList<FlinkSavepointOperationView>> GetSavepointOperationsAsync(Guid runId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var list = await db.Set<FlinkSavepointOperation>().AsNoTracking().Where(o => o.RunId == runId).OrderByDescending(o => o.StartedAt).ToListAsync(ct);
            return [.. list.Select(FlinkSavepointRunner.View)];
        }
    }

    /// <summary>Savepoints and completed checkpoints seen for a job, newest first: what a run can restore from.</summary>
    public async Task<IReadOnlyList<FlinkSnapshotView>> GetSnapshotsAsync(Guid jobId, int take = 100, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await db.Set<FlinkSnapshot>().AsNoTracking().Where(s => s.JobId == jobId).OrderByDescending(s => s.CompletedAt).Take(take)
                .Select(s => new FlinkSnapshotView(s.Id, s.RunId, s.FlinkJobId, s.Kind, s.CheckpointId, s.Path, s.StateSize, s.CompletedAt)).ToListAsync(ct);
        }
    }

    /// <summary>Stored metric samples of a run, oldest first: 10 s resolution for the last 6 h, else 1 min.</summary>
    public async Task<IReadOnlyList<FlinkMetricSample>> GetMetricSamplesAsync(Guid runId, DateTimeOffset since, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var resolution = clock.GetUtcNow() - since <= FlinkMetricSampler.FineRetention ? 10 : 60;
            return await db.Set<FlinkMetricSample>().AsNoTracking().Where(s => s.RunId == runId && s.ResolutionSeconds == resolution && s.Bucket >= since)
                .OrderBy(s => s.Bucket).ToListAsync(ct);
        }
    }

    /// <summary>The job's Flink settings (defaults when none are stored).</summary>
    public async Task<(FlinkJobSettings Settings, int Version)> GetSettingsAsync(Guid jobId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct) ?? throw new DomainException("That job does not exist.");
            return (job.FlinkSettings, job.Version);
        }
    }

    /// <summary>Saves the job's Flink settings (Developer role); refused when the job changed since <paramref name="basedOnVersion"/>.</summary>
    public async Task<int> SaveSettingsAsync(Guid jobId, FlinkJobSettings settings, int basedOnVersion, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "change a job's Flink settings");

            var job = await db.Set<Job>().FirstOrDefaultAsync(j => j.Id == jobId, ct) ?? throw new DomainException("That job does not exist.");
            if (settings.ClusterId is { } clusterId && !await db.Set<FlinkCluster>().AnyAsync(c => c.Id == clusterId, ct))
            {
                throw new DomainException("That Flink cluster does not exist in this workspace.");
            }

            job.ChangeFlinkSettings(settings, basedOnVersion, await workspace.UserNameAsync(ct), clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return job.Version;
        }
    }

    private async Task<(JobRun Run, FlinkJobSettings Settings)> RequireRunAsync(Guid runId, CancellationToken ct)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Operator, "operate Flink jobs");

            var run = await db.Set<JobRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct) ?? throw new DomainException("That run does not exist.");
            if (run.Engine == RunEngine.DatabaseSql)
            {
                throw new DomainException("That run is not a Flink run.");
            }

            var job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == run.JobId, ct);
            return (run, job?.FlinkSettings ?? new FlinkJobSettings());
        }
    }
}
