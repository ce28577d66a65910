using System.Globalization;
using System.Text.RegularExpressions;
using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Studio;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Flink;

/// <summary>
/// Submits Flink SQL jobs through the cluster's SQL Gateway: opens a session carrying the job's configuration, runs the
/// statements in order (SET, DDL, then the INSERT or <c>EXECUTE STATEMENT SET</c>), reads the Flink job id, closes the session
/// and hands the run to the cluster's tracker. Idempotent: the run's cluster and submission marker are stored before
/// anything is sent, and a submission whose answer was lost looks for the job on the cluster before giving up, so one run
/// never starts two Flink jobs.
/// </summary>
internal sealed partial class FlinkSqlJobEngine(
    IDbContextFactory<AllDataDbContext> factory,
    FlinkClusterConnections connections,
    ILogger<FlinkSqlJobEngine> logger) : IJobEngine
{
    public static readonly TimeSpan OperationPoll = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromMinutes(5);

    public RunEngine Engine => RunEngine.FlinkSql;

    public bool TrackedAfterRestart => true;

    public async Task<EngineOutcome> ExecuteAsync(RunContext context, IRunReporter reporter, CancellationToken cancellationToken)
    {
        var settings = context.Job.FlinkSettings.Validate();
        var (cluster, restorePath) = await ResolveAsync(context.WorkspaceId, context.Job.Id, context.RestorePath, settings, cancellationToken);
        var target = connections.TargetOf(cluster);
        var gateway = connections.SqlGateway(target);
        var jobManager = connections.JobManager(target);

        var attemptAt = default(DateTimeOffset);
        var run = await reporter.TransitionAsync((r, at) =>
        {
            attemptAt = at;
            r.BeginFlinkSubmission(cluster.Id, at);
        }, cancellationToken);
        if (run.FlinkJobId is not null)
        {
            return EngineOutcome.HandedOver($"Already submitted as Flink job {run.FlinkJobId}.");
        }

        // A marker older than this attempt means an earlier attempt may have started the job: look before submitting.
        var marker = run.FlinkSubmittedAt!.Value;
        var pipelineName = context.Job.Name;
        if (marker < attemptAt && await FindSubmittedAsync(jobManager, pipelineName, marker, cancellationToken) is { } earlier)
        {
            await AttachAsync(reporter, earlier, "found on the cluster from an earlier attempt", cancellationToken);
            return EngineOutcome.HandedOver($"Flink job {earlier}");
        }

        var configuration = settings.ToFlinkConfiguration(pipelineName, restorePath);
        if (restorePath is not null)
        {
            await reporter.LogAsync(RunLogLevel.Info, $"Restoring from {restorePath}.", cancellationToken);
        }

        var submitting = context.Statements.Where(IsJobStatement).ToList();
        if (submitting.Count != 1)
        {
            return EngineOutcome.Failed(submitting.Count == 0
                ? "A Flink SQL job needs one INSERT or EXECUTE STATEMENT SET that starts the Flink job."
                : "A Flink SQL job starts one Flink job: put several INSERTs into one EXECUTE STATEMENT SET.");
        }

        var version = await gateway.GetVersionAsync(cancellationToken);
        await reporter.LogAsync(RunLogLevel.Info, $"Opening a session on {target.Name}'s SQL Gateway (REST v{version}).", cancellationToken);
        var session = await gateway.OpenSessionAsync($"alldata-run-{context.RunId:N}", configuration, cancellationToken);
        try
        {
            foreach (var statement in context.Statements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = GatewayText(statement);
                var execution = new Dictionary<string, string> { ["pipeline.name"] = pipelineName };
                await reporter.LogAsync(RunLogLevel.Info, $"Statement {statement.Index + 1} ({statement.Kind}, line {statement.Start.Line}).", cancellationToken);
                string operation;
                try
                {
                    operation = await gateway.ExecuteStatementAsync(session, text, execution, cancellationToken);
                }
                catch (FlinkUnreachableException) when (IsJobStatement(statement))
                {
                    // The answer was lost: the job may have started. Look before failing, never submit twice.
                    if (await FindSubmittedAsync(jobManager, pipelineName, marker, cancellationToken) is { } lost)
                    {
                        await AttachAsync(reporter, lost, "found on the cluster after the gateway's answer was lost", cancellationToken);
                        return EngineOutcome.HandedOver($"Flink job {lost}");
                    }

                    throw;
                }

                try
                {
                    if (IsJobStatement(statement))
                    {
                        var jobId = await gateway.GetSubmittedJobIdAsync(session, operation, OperationPoll, OperationTimeout, cancellationToken);
                        await AttachAsync(reporter, jobId, "submitted", cancellationToken);
                        return EngineOutcome.HandedOver($"Flink job {jobId}");
                    }

                    var status = await gateway.WaitForOperationAsync(session, operation, OperationPoll, OperationTimeout, cancellationToken);
                    if (status == FlinkSqlOperationStatus.Error)
                    {
                        // The fetch answers HTTP 500 with the SQL error: the only place its text appears.
                        await gateway.FetchResultsAsync(session, operation, 0, cancellationToken);
                    }

                    await CloseQuietlyAsync(() => gateway.CloseOperationAsync(session, operation, CancellationToken.None));
                }
                catch (FlinkRestException e)
                {
                    return EngineOutcome.Failed(DescribeError(statement, e.RootCause, e.Errors));
                }
            }

            return EngineOutcome.Failed("The script ended without submitting a Flink job.");
        }
        finally
        {
            await CloseQuietlyAsync(() => gateway.CloseSessionAsync(session, CancellationToken.None));
        }
    }

    public Task<bool> CancelAsync(JobRun run, IRunReporter reporter, CancellationToken cancellationToken) =>
        FlinkRunCancel.CancelAsync(factory, connections, run, reporter, cancellationToken);

    /// <summary>The job a run of this pipeline started after <paramref name="marker"/> that no run owns yet.</summary>
    internal async Task<FlinkJobId?> FindSubmittedAsync(FlinkJobManagerClient jobManager, string pipelineName, DateTimeOffset marker, CancellationToken ct)
    {
        IReadOnlyList<FlinkJobSummary> jobs;
        try
        {
            jobs = await jobManager.GetJobsOverviewAsync(ct);
        }
        catch (FlinkClientException e)
        {
            logger.LogInformation("Could not look for an earlier submission of {Pipeline}: {Error}", pipelineName, e.Message);
            return null;
        }

        var candidates = jobs.Where(j => j.Name == pipelineName && j.StartTime >= marker.AddSeconds(-2)).Select(j => j.Id.Value).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var owned = await db.Set<JobRun>().IgnoreQueryFilters().Where(r => r.FlinkJobId != null && candidates.Contains(r.FlinkJobId))
            .Select(r => r.FlinkJobId!).ToListAsync(ct);
        return candidates.Except(owned).Select(FlinkJobId.Parse).Cast<FlinkJobId?>().FirstOrDefault();
    }

    /// <summary>"Statement 3 (line 12, column 8): …" with the position mapped from Flink's "at line L, column C" into the script.</summary>
    internal static string DescribeError(SqlStatement statement, string rootCause, IReadOnlyList<string> errors)
    {
        var detail = string.Join('\n', errors);
        var match = LineColumn().Match(detail);
        var position = match.Success
            ? statement.ScriptPositionOfLineColumn(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : statement.Start;
        return $"Statement {statement.Index + 1} (line {position.Line}, column {position.Column}): {rootCause}";
    }

    private static bool IsJobStatement(SqlStatement s) => s.Kind is SqlStatementKind.Dml or SqlStatementKind.StatementSet;

    /// <summary>The SQL client's <c>BEGIN STATEMENT SET; … END;</c> becomes the gateway's <c>EXECUTE STATEMENT SET BEGIN … END</c>.</summary>
    private static string GatewayText(SqlStatement s)
    {
        var text = s.Text.Trim().TrimEnd(';');
        var begin = BeginStatementSet().Match(text);
        return begin.Success ? $"EXECUTE STATEMENT SET BEGIN {text[begin.Length..].TrimStart()}" : text;
    }

    private async Task<(FlinkCluster Cluster, string? RestorePath)> ResolveAsync(Guid workspaceId, Guid jobId, string? restorePath, FlinkJobSettings settings, CancellationToken ct)
    {
        var clusterId = settings.ClusterId ?? throw new DomainException("Choose a Flink cluster in the job's Flink settings first.");
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        var cluster = await db.Set<FlinkCluster>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == clusterId, ct)
                      ?? throw new DomainException("The job's Flink cluster no longer exists.");
        var restore = restorePath ?? settings.RestoreMode switch
        {
            FlinkRestoreMode.ExplicitPath => settings.RestorePath,
            FlinkRestoreMode.LatestSavepointOrCheckpoint => await db.Set<FlinkSnapshot>().AsNoTracking().Where(s => s.JobId == jobId)
                .OrderByDescending(s => s.CompletedAt).Select(s => s.Path).FirstOrDefaultAsync(ct),
            _ => null,
        };
        return (cluster, restore);
    }

    private static async Task AttachAsync(IRunReporter reporter, FlinkJobId jobId, string how, CancellationToken ct)
    {
        await reporter.TransitionAsync((r, _) => r.AttachFlinkJob(jobId.Value), ct);
        await reporter.LogAsync(RunLogLevel.Info, $"Flink job {jobId} {how}; the cluster's tracker follows it from now on.", ct);
    }

    private async Task CloseQuietlyAsync(Func<Task> close)
    {
        try
        {
            await close();
        }
        catch (FlinkClientException e)
        {
            logger.LogInformation("Closing a SQL Gateway handle failed: {Error}", e.Message);
        }
    }

    [GeneratedRegex(@"at line (\d+), column (\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex LineColumn();

    [GeneratedRegex(@"^BEGIN\s+STATEMENT\s+SET\s*;", RegexOptions.IgnoreCase)]
    private static partial Regex BeginStatementSet();
}
