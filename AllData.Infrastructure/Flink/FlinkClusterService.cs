using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Flink;

/// <summary>What the register/edit form sends. An empty <see cref="AuthHeader"/> keeps the stored one unless <see cref="RemoveAuthHeader"/>.</summary>
public sealed record FlinkClusterInput
{
    public string Name { get; init; } = string.Empty;

    public string JobManagerUrl { get; init; } = string.Empty;

    public string? SqlGatewayUrl { get; init; }

    public string? AuthHeader { get; init; }

    public bool RemoveAuthHeader { get; init; }
}

public sealed record FlinkClusterSummary(
    Guid Id, string Name, string JobManagerUrl, string? SqlGatewayUrl, bool HasAuthHeader, FlinkClusterStatus? Status,
    DateTimeOffset? CheckedAt, double? LatencyMs, string? FlinkVersion, int TaskManagers, int SlotsTotal, int SlotsAvailable,
    int JobsRunning, string? LastError, DateTimeOffset? LastErrorAt, int TrackedRuns);

/// <summary>Result of "test connection": the JobManager's health and, when a gateway URL is given, its negotiated version.</summary>
public sealed record FlinkConnectionTest(FlinkClusterHealth JobManager, int? GatewayVersion, string? GatewayError)
{
    public bool Succeeded => JobManager.Status == FlinkClusterStatus.Healthy && GatewayError is null;
}

/// <summary>A job on a cluster; <see cref="RunId"/> is null for jobs AllData did not submit (external).</summary>
public sealed record FlinkClusterJob(FlinkJobSummary Job, Guid? RunId, Guid? JobId)
{
    public bool IsExternal => RunId is null;
}

/// <summary>Registers, edits and deletes the workspace's Flink clusters (Admins), lists them and their jobs (everyone).</summary>
internal sealed class FlinkClusterService(
    AppDb appDb, FlinkClusterConnections connections, RunRecorder recorder, TimeProvider clock, ILogger<FlinkClusterService> logger)
{
    public async Task<IReadOnlyList<FlinkClusterSummary>> ListAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var clusters = await db.Set<FlinkCluster>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
            var tracked = await TrackedCountsAsync(db, ct);
            return [.. clusters.Select(c => Summary(c, tracked.GetValueOrDefault(c.Id)))];
        }
    }

    public async Task<FlinkClusterSummary> GetAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var cluster = await FindAsync(db, id, tracking: false, ct);
            var tracked = await TrackedCountsAsync(db, ct);
            return Summary(cluster, tracked.GetValueOrDefault(id));
        }
    }

    /// <summary>The form's values; never the auth header, only whether there is one.</summary>
    public async Task<(FlinkClusterInput Input, bool HasAuthHeader)> GetForEditAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var c = await FindAsync(db, id, tracking: false, ct);
            return (new FlinkClusterInput { Name = c.Name, JobManagerUrl = c.JobManagerUrl, SqlGatewayUrl = c.SqlGatewayUrl }, c.HasAuthHeader);
        }
    }

    public async Task<Guid> CreateAsync(FlinkClusterInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Admin, "register and edit Flink clusters");
            var cluster = new FlinkCluster(access.WorkspaceId, input.Name, input.JobManagerUrl, input.SqlGatewayUrl,
                connections.Protect(input.AuthHeader), clock.GetUtcNow());
            await EnsureUniqueNameAsync(db, cluster.Name, null, ct);
            db.Add(cluster);
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Registered Flink cluster {ClusterId} at {JobManagerUrl} in workspace {WorkspaceId}", cluster.Id,
                cluster.JobManagerUrl, access.WorkspaceId);
            return cluster.Id;
        }
    }

    public async Task UpdateAsync(Guid id, FlinkClusterInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Admin, "register and edit Flink clusters");
            var cluster = await FindAsync(db, id, tracking: true, ct);
            var at = clock.GetUtcNow();
            cluster.Change(input.Name, input.JobManagerUrl, input.SqlGatewayUrl, at);
            if (input.RemoveAuthHeader)
            {
                cluster.ChangeAuthHeader(null, at);
            }
            else if (!string.IsNullOrWhiteSpace(input.AuthHeader))
            {
                cluster.ChangeAuthHeader(connections.Protect(input.AuthHeader), at);
            }

            await EnsureUniqueNameAsync(db, cluster.Name, id, ct);
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Deletes a cluster; refused while AllData still tracks runs on it.</summary>
    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Admin, "register and edit Flink clusters");
            var cluster = await FindAsync(db, id, tracking: true, ct);
            var live = await db.Set<JobRun>().CountAsync(r => r.FlinkClusterId == id && r.Status != RunStatus.Finished
                                                              && r.Status != RunStatus.Failed && r.Status != RunStatus.Canceled, ct);
            if (live > 0)
            {
                throw new DomainException($"{live} run(s) on this cluster are still tracked; cancel them first.");
            }

            db.Remove(cluster);
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Deleted Flink cluster {ClusterId}", id);
        }
    }

    /// <summary>Probes the settings in the form; an empty auth header with <paramref name="existingId"/> uses the stored one.</summary>
    public async Task<FlinkConnectionTest> TestConnectionAsync(FlinkClusterInput input, Guid? existingId = null, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        FlinkCluster probe;
        await using (db)
        {
            access.Require(WorkspaceRole.Admin, "register and edit Flink clusters");
            var protectedHeader = connections.Protect(input.AuthHeader);
            if (protectedHeader is null && !input.RemoveAuthHeader && existingId is { } id)
            {
                protectedHeader = (await FindAsync(db, id, tracking: false, ct)).ProtectedAuthHeader;
            }

            try
            {
                probe = new FlinkCluster(access.WorkspaceId, string.IsNullOrWhiteSpace(input.Name) ? "test" : input.Name, input.JobManagerUrl,
                    input.SqlGatewayUrl, protectedHeader, clock.GetUtcNow());
            }
            catch (DomainException e)
            {
                return new FlinkConnectionTest(FlinkClusterHealth.Failed(FlinkClusterStatus.Unhealthy, clock.GetUtcNow(), e.Message), null, null);
            }
        }

        var target = connections.TargetOf(probe);
        var health = await connections.JobManager(target).ProbeAsync(ct);
        if (target.SqlGateway is null)
        {
            return new FlinkConnectionTest(health, null, null);
        }

        try
        {
            return new FlinkConnectionTest(health, await connections.SqlGateway(target).GetVersionAsync(ct), null);
        }
        catch (FlinkClientException e)
        {
            return new FlinkConnectionTest(health, null, e.Message);
        }
    }

    /// <summary>Every job on the cluster now (one overview call), each tied to the run tracking it, or external.</summary>
    public async Task<IReadOnlyList<FlinkClusterJob>> GetJobsAsync(Guid clusterId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        FlinkCluster cluster;
        Dictionary<string, (Guid RunId, Guid JobId)> runs;
        await using (db)
        {
            cluster = await FindAsync(db, clusterId, tracking: false, ct);
            runs = (await db.Set<JobRun>().AsNoTracking().Where(r => r.FlinkClusterId == clusterId && r.FlinkJobId != null)
                    .OrderBy(r => r.CreatedAt).Select(r => new { r.FlinkJobId, r.Id, r.JobId }).ToListAsync(ct))
                .GroupBy(r => r.FlinkJobId!).ToDictionary(g => g.Key, g => (g.Last().Id, g.Last().JobId));
        }

        var jobs = await connections.JobManager(cluster).GetJobsOverviewAsync(ct);
        return [.. jobs.OrderByDescending(j => j.StartTime).Select(j => runs.TryGetValue(j.Id.Value, out var r)
            ? new FlinkClusterJob(j, r.RunId, r.JobId) : new FlinkClusterJob(j, null, null))];
    }

    /// <summary>The workspace's Flink jobs (SQL and JAR), for choosing one to adopt a Flink job with.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> ListFlinkJobsAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var jobs = await db.Set<Job>().AsNoTracking().Where(j => j.Type != JobType.DatabaseSql).OrderBy(j => j.Name)
                .Select(j => new { j.Id, j.Name }).ToListAsync(ct);
            return [.. jobs.Select(j => (j.Id, j.Name))];
        }
    }

    /// <summary>
    /// Adopts an external Flink job: a new run of <paramref name="jobId"/> that tracks it from now on. Operators only.
    /// </summary>
    public async Task<Guid> AdoptAsync(Guid clusterId, string flinkJobId, Guid jobId, CancellationToken ct = default)
    {
        var id = FlinkJobId.Parse(flinkJobId);
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        Job job;
        await using (db)
        {
            access.Require(WorkspaceRole.Operator, "adopt Flink jobs");

            await FindAsync(db, clusterId, tracking: false, ct);
            job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct) ?? throw new DomainException("That job does not exist.");
            if (job.Type == JobType.DatabaseSql)
            {
                throw new DomainException("Only a Flink job can adopt a Flink job.");
            }

            if (await db.Set<JobRun>().AnyAsync(r => r.FlinkClusterId == clusterId && r.FlinkJobId == id.Value
                                                     && r.Status != RunStatus.Finished && r.Status != RunStatus.Failed && r.Status != RunStatus.Canceled, ct))
            {
                throw new DomainException("AllData already tracks that Flink job.");
            }
        }

        var run = await recorder.CreateAsync(new JobRun(access.WorkspaceId, jobId, null, RunTrigger.Manual, "adopted", job.Type.Engine(), clock.GetUtcNow()), ct);
        await recorder.TransitionAsync(run.Id, (r, at) =>
        {
            r.BeginFlinkSubmission(clusterId, at);
            r.AttachFlinkJob(id.Value);
            r.MarkSubmitting(at);
        }, ct);
        await recorder.AppendLogAsync(access.WorkspaceId, run.Id, RunLogLevel.Info, $"Adopted Flink job {id}; the tracker follows it from now on.", ct);
        return run.Id;
    }

    private static async Task<Dictionary<Guid, int>> TrackedCountsAsync(AllDataDbContext db, CancellationToken ct) =>
        await db.Set<JobRun>().Where(r => r.FlinkClusterId != null && r.FlinkJobId != null && r.Status != RunStatus.Finished
                                          && r.Status != RunStatus.Failed && r.Status != RunStatus.Canceled)
            .GroupBy(r => r.FlinkClusterId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    private static FlinkClusterSummary Summary(FlinkCluster c, int tracked) => new(
        c.Id, c.Name, c.JobManagerUrl, c.SqlGatewayUrl, c.HasAuthHeader, c.HealthStatus, c.HealthCheckedAt, c.HealthLatencyMs, c.FlinkVersion,
        c.TaskManagers, c.SlotsTotal, c.SlotsAvailable, c.JobsRunning, c.LastError, c.LastErrorAt, tracked);

    private static async Task<FlinkCluster> FindAsync(AllDataDbContext db, Guid id, bool tracking, CancellationToken ct)
    {
        var query = tracking ? db.Set<FlinkCluster>() : db.Set<FlinkCluster>().AsNoTracking();
        return await query.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new DomainException("The Flink cluster does not exist.");
    }

    private static async Task EnsureUniqueNameAsync(AllDataDbContext db, string name, Guid? except, CancellationToken ct)
    {
        if (await db.Set<FlinkCluster>().AnyAsync(c => c.Name == name && c.Id != except, ct))
        {
            throw new DomainException($"A Flink cluster named '{name}' already exists in this workspace.");
        }
    }
}
