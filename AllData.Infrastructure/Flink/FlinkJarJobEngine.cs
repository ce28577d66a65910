using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Flink;

/// <summary>
/// Runs Flink JAR jobs: the job's JAR (by SHA-256, from the <see cref="FlinkJarStore"/>) is uploaded to the cluster once
/// per content hash (recognised by the hash prefix in the name the cluster lists), then run with the entry class, the
/// arguments (the job's text, one argument per line), parallelism and restore settings. The Flink job id is fixed from
/// the run id, so a retried submission finds the job instead of starting a second one.
/// </summary>
internal sealed class FlinkJarJobEngine(
    IDbContextFactory<AllDataDbContext> factory, FlinkClusterConnections connections, FlinkJarStore jars) : IJobEngine
{
    public RunEngine Engine => RunEngine.FlinkJar;

    public bool TrackedAfterRestart => true;

    public async Task<EngineOutcome> ExecuteAsync(RunContext context, IRunReporter reporter, CancellationToken cancellationToken)
    {
        var settings = context.Job.FlinkSettings.Validate();
        var sha = settings.JarSha256 ?? throw new DomainException("Choose the job's JAR in its Flink settings first.");
        var jar = jars.Find(sha) ?? throw new DomainException("The job's JAR is no longer in the resource store.");
        var clusterId = settings.ClusterId ?? throw new DomainException("Choose a Flink cluster in the job's Flink settings first.");
        FlinkCluster cluster;
        string? restorePath;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            db.WorkspaceId = context.WorkspaceId;
            cluster = await db.Set<FlinkCluster>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == clusterId, cancellationToken)
                      ?? throw new DomainException("The job's Flink cluster no longer exists.");
            restorePath = context.RestorePath ?? settings.RestoreMode switch
            {
                FlinkRestoreMode.ExplicitPath => settings.RestorePath,
                FlinkRestoreMode.LatestSavepointOrCheckpoint => await db.Set<FlinkSnapshot>().AsNoTracking().Where(s => s.JobId == context.Job.Id)
                    .OrderByDescending(s => s.CompletedAt).Select(s => s.Path).FirstOrDefaultAsync(cancellationToken),
                _ => null,
            };
        }

        var client = connections.JobManager(cluster);
        await reporter.TransitionAsync((r, at) => r.BeginFlinkSubmission(cluster.Id, at), cancellationToken);
        var jobId = FlinkJobId.Parse(context.RunId.ToString("N"));
        if (await client.FindJobAsync(jobId, cancellationToken) is null)
        {
            var jarId = await UploadOnceAsync(client, jar, reporter, cancellationToken);
            var arguments = context.Script.Text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l != "--" && !l.StartsWith("-- ", StringComparison.Ordinal)).ToList();
            var configuration = settings.ToFlinkConfiguration(context.Job.Name, null)
                .Where(p => p.Key is not ("execution.savepoint.path" or "execution.state-recovery.path")).ToDictionary();
            await client.RunJarAsync(jarId, new FlinkJarRunRequest(settings.EntryClass, arguments, settings.Parallelism, jobId, restorePath,
                restorePath is null ? null : settings.AllowNonRestoredState, null, configuration), cancellationToken);
            await reporter.LogAsync(RunLogLevel.Info, $"Ran {jar.FileName} as Flink job {jobId}{(restorePath is null ? string.Empty : $", restored from {restorePath}")}.", cancellationToken);
        }

        await reporter.TransitionAsync((r, _) => r.AttachFlinkJob(jobId.Value), cancellationToken);
        return EngineOutcome.HandedOver($"Flink job {jobId}");
    }

    public Task<bool> CancelAsync(JobRun run, IRunReporter reporter, CancellationToken cancellationToken) =>
        FlinkRunCancel.CancelAsync(factory, connections, run, reporter, cancellationToken);

    private async Task<string> UploadOnceAsync(FlinkJobManagerClient client, FlinkJarResource jar, IRunReporter reporter, CancellationToken ct)
    {
        var prefix = jar.Sha256[..16] + "_";
        var existing = (await client.GetJarsAsync(ct)).FirstOrDefault(j => j.Name?.StartsWith(prefix, StringComparison.Ordinal) == true);
        if (existing is not null)
        {
            return existing.Id;
        }

        await using var content = jars.Open(jar.Sha256);
        var upload = await client.UploadJarAsync(content, prefix + jar.FileName, ct);
        await reporter.LogAsync(RunLogLevel.Info, $"Uploaded {jar.FileName} ({jar.Size} bytes) to the cluster.", ct);
        return upload.JarId;
    }
}
