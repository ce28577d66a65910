using AllData.Domain.Flink;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Flink;

/// <summary>Why a run's live Flink data could not be shown (<see cref="None"/> when it could).</summary>
public enum FlinkInsightProblem
{
    None,
    RunNotFound,
    NotSubmittedYet,
    ClusterMissing,
    ClusterUnreachable,
    ClusterError,
}

/// <summary>The job graph of a run: its vertices in Flink's topological order, or why they are not available.</summary>
public sealed record FlinkRunGraph(FlinkInsightProblem Problem, string? Detail, FlinkJobState? JobState, IReadOnlyList<FlinkJobVertex> Vertices)
{
    public static FlinkRunGraph Unavailable(FlinkInsightProblem problem, string? detail = null) => new(problem, detail, null, []);
}

/// <summary>
/// A run's Flink exceptions: the root cause (the newest failure) first, then the earlier history entries, newest first;
/// or why they are not available.
/// </summary>
public sealed record FlinkRunExceptions(
    FlinkInsightProblem Problem, string? Detail, FlinkJobException? RootCause, IReadOnlyList<FlinkJobException> History, bool Truncated)
{
    public static FlinkRunExceptions Unavailable(FlinkInsightProblem problem, string? detail = null) => new(problem, detail, null, [], false);
}

/// <summary>
/// Reads a run's job graph and exceptions live from its Flink cluster, for the run page's Flink tabs. The run is loaded in the
/// acting user's workspace (any member, Viewer included, may read); a cluster that does not answer is a result, not an exception.
/// </summary>
public sealed class FlinkRunInsights
{
    private readonly AppDb appDb;
    private readonly FlinkClusterConnections connections;
    private readonly ILogger<FlinkRunInsights> logger;

    internal FlinkRunInsights(AppDb appDb, FlinkClusterConnections connections, ILogger<FlinkRunInsights> logger)
    {
        this.appDb = appDb;
        this.connections = connections;
        this.logger = logger;
    }

    public const int MaxExceptions = 50;

    public async Task<FlinkRunGraph> GetGraphAsync(Guid runId, CancellationToken ct = default)
    {
        var (target, problem) = await TargetAsync(runId, ct);
        if (target is null)
        {
            return FlinkRunGraph.Unavailable(problem);
        }

        try
        {
            var job = await target.Value.Client.GetJobAsync(target.Value.JobId, ct);
            return new FlinkRunGraph(FlinkInsightProblem.None, null, job.State, job.Vertices);
        }
        catch (FlinkClientException e)
        {
            var (kind, detail) = Classify(e, runId);
            return FlinkRunGraph.Unavailable(kind, detail);
        }
    }

    public async Task<FlinkRunExceptions> GetExceptionsAsync(Guid runId, CancellationToken ct = default)
    {
        var (target, problem) = await TargetAsync(runId, ct);
        if (target is null)
        {
            return FlinkRunExceptions.Unavailable(problem);
        }

        try
        {
            var exceptions = await target.Value.Client.GetJobExceptionsAsync(target.Value.JobId, MaxExceptions, ct);
            var newestFirst = exceptions.Entries.OrderByDescending(e => e.Timestamp ?? DateTimeOffset.MinValue).ToList();
            return newestFirst.Count == 0
                ? new FlinkRunExceptions(FlinkInsightProblem.None, null, null, [], exceptions.Truncated)
                : new FlinkRunExceptions(FlinkInsightProblem.None, null, newestFirst[0], [.. newestFirst.Skip(1)], exceptions.Truncated);
        }
        catch (FlinkClientException e)
        {
            var (kind, detail) = Classify(e, runId);
            return FlinkRunExceptions.Unavailable(kind, detail);
        }
    }

    private (FlinkInsightProblem, string) Classify(FlinkClientException e, Guid runId)
    {
        logger.LogWarning(e, "Reading Flink data of run {RunId} failed", runId);
        return e is FlinkUnreachableException ? (FlinkInsightProblem.ClusterUnreachable, e.Message) : (FlinkInsightProblem.ClusterError, e.Message);
    }

    private async Task<((FlinkJobManagerClient Client, FlinkJobId JobId)? Target, FlinkInsightProblem Problem)> TargetAsync(Guid runId, CancellationToken ct)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var run = await db.Set<JobRun>().AsNoTracking().Where(r => r.Id == runId)
                .Select(r => new { r.FlinkClusterId, r.FlinkJobId }).FirstOrDefaultAsync(ct);
            if (run is null)
            {
                return (null, FlinkInsightProblem.RunNotFound);
            }

            if (run.FlinkClusterId is not { } clusterId || !FlinkJobId.TryParse(run.FlinkJobId, out var jobId))
            {
                return (null, FlinkInsightProblem.NotSubmittedYet);
            }

            var cluster = await db.Set<FlinkCluster>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == clusterId, ct);
            return cluster is null ? (null, FlinkInsightProblem.ClusterMissing) : ((connections.JobManager(cluster), jobId), FlinkInsightProblem.None);
        }
    }
}
