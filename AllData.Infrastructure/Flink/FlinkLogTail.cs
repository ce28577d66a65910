using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Flink;

/// <summary>A log a run's page can tail: the JobManager's log and stdout, and each task manager's.</summary>
public sealed record FlinkLogSourceInfo(string Key, string Label);

/// <summary>New lines of a log since an offset; pass <see cref="NextOffset"/> to the next read.</summary>
public sealed record FlinkLogTailResult(IReadOnlyList<string> Lines, long NextOffset, bool Truncated);

/// <summary>
/// Tails the JobManager and TaskManager logs and stdout of a run's cluster through the REST API. Flink serves whole files,
/// so each read streams the file and keeps only what lies past the offset (at most <c>maxBytes</c>).
/// </summary>
internal sealed class FlinkLogTail(AppDb appDb, FlinkClusterConnections connections)
{
    public const int DefaultMaxBytes = 256 * 1024;

    public async Task<IReadOnlyList<FlinkLogSourceInfo>> ListSourcesAsync(Guid runId, CancellationToken ct = default)
    {
        var client = await ClientAsync(runId, ct);
        var sources = new List<FlinkLogSourceInfo> { new("jobmanager/log", "JobManager log"), new("jobmanager/stdout", "JobManager stdout") };
        foreach (var tm in await client.GetTaskManagersAsync(ct))
        {
            sources.Add(new($"taskmanager:{tm.Id}/log", $"TaskManager {tm.Id} log"));
            sources.Add(new($"taskmanager:{tm.Id}/stdout", $"TaskManager {tm.Id} stdout"));
        }

        return sources;
    }

    /// <param name="sourceKey">A <see cref="FlinkLogSourceInfo.Key"/>.</param>
    /// <param name="offset">0 for the start (the last <paramref name="maxBytes"/> of the file), then the previous <see cref="FlinkLogTailResult.NextOffset"/>.</param>
    public async Task<FlinkLogTailResult> ReadAsync(Guid runId, string sourceKey, long offset, int maxBytes = DefaultMaxBytes, CancellationToken ct = default)
    {
        var client = await ClientAsync(runId, ct);
        var chunk = await client.ReadLogAsync(Source(sourceKey), offset, maxBytes, ct);
        var lines = chunk.Text.Length == 0 ? [] : chunk.Text.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        return new FlinkLogTailResult(lines, chunk.TotalLength, chunk.Truncated);
    }

    internal static FlinkLogSource Source(string key) => key switch
    {
        "jobmanager/log" => FlinkLogSource.JobManagerLog,
        "jobmanager/stdout" => FlinkLogSource.JobManagerStdout,
        _ when key.StartsWith("taskmanager:", StringComparison.Ordinal) && key.EndsWith("/log", StringComparison.Ordinal) =>
            FlinkLogSource.TaskManagerLog(key["taskmanager:".Length..^"/log".Length]),
        _ when key.StartsWith("taskmanager:", StringComparison.Ordinal) && key.EndsWith("/stdout", StringComparison.Ordinal) =>
            FlinkLogSource.TaskManagerStdout(key["taskmanager:".Length..^"/stdout".Length]),
        _ => throw new DomainException($"'{key}' is not a Flink log."),
    };

    private async Task<FlinkJobManagerClient> ClientAsync(Guid runId, CancellationToken ct)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var clusterId = await db.Set<JobRun>().Where(r => r.Id == runId).Select(r => r.FlinkClusterId).FirstOrDefaultAsync(ct)
                            ?? throw new DomainException("That run has no Flink cluster.");
            var cluster = await db.Set<FlinkCluster>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == clusterId, ct)
                          ?? throw new DomainException("The run's Flink cluster no longer exists.");
            return connections.JobManager(cluster);
        }
    }
}
