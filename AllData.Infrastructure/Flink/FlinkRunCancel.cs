using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Flink;

/// <summary>Cancel of a Flink run for both Flink engines (what <see cref="RunOrchestrator.CancelAsync"/> calls).</summary>
internal static class FlinkRunCancel
{
    /// <summary>Cancels the run's Flink job; the tracker confirms Canceled when Flink reports it.</summary>
    public static async Task<bool> CancelAsync(
        IDbContextFactory<AllDataDbContext> factory, FlinkClusterConnections connections, JobRun run, IRunReporter reporter, CancellationToken cancellationToken)
    {
        if (run.FlinkJobId is null || run.FlinkClusterId is not { } clusterId || !FlinkJobId.TryParse(run.FlinkJobId, out var jobId))
        {
            return false;
        }

        FlinkCluster cluster;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            cluster = await db.Set<FlinkCluster>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c => c.Id == clusterId, cancellationToken)
                      ?? throw new DomainException("The run's Flink cluster no longer exists.");
        }

        await reporter.TransitionAsync((r, at) =>
        {
            if (JobRun.CanMove(r.Status, RunStatus.Canceling))
            {
                r.RequestCancel(at, "Cancel requested");
            }
        }, cancellationToken);
        try
        {
            await connections.JobManager(cluster).CancelJobAsync(jobId, cancellationToken);
            await reporter.LogAsync(RunLogLevel.Info, $"Asked {cluster.Name} to cancel Flink job {jobId}.", cancellationToken);
        }
        catch (FlinkRestException e) when (e.StatusCode is System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.NotFound)
        {
            await reporter.LogAsync(RunLogLevel.Warning, $"Flink did not cancel job {jobId}: {e.RootCause}; the tracker records what Flink reports.", cancellationToken);
        }

        return true;
    }
}
