using System.ComponentModel.DataAnnotations;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Operations;

/// <summary>How instances hold the runs they execute (configuration section <c>AllData:Runs</c>). See ADR-004.</summary>
public sealed class RunOwnershipOptions
{
    public const string Section = "AllData:Runs";

    /// <summary>This instance's id as stored on the runs it executes; empty: the host name, process id and a random suffix.</summary>
    [MaxLength(JobRun.MaxOwnerLength)]
    public string? InstanceId { get; set; }

    /// <summary>How long a claim holds without a heartbeat.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the owner renews the leases of its runs.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the owner looks for stop requests made on other instances (stored on the run).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan CancelPoll { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Extra time after a lease expired before its run is failed as lost.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RecoveryGrace { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>The id of this app instance, as stored on the runs it owns.</summary>
public sealed class RunInstance(IOptions<RunOwnershipOptions> options)
{
    public string Id { get; } = options.Value.InstanceId is { Length: > 0 } id
        ? id
        : $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>
/// The owner's side of run ownership, in every instance: renews the leases of the runs executing here, honours stop
/// requests stored on them (made on any instance), and — as any instance may — ends the runs whose owner stopped:
/// Failed with "The instance running it stopped.", or Canceled when a stop had been asked for.
/// </summary>
internal sealed class RunOwnershipService(
    IDbContextFactory<AllDataDbContext> factory,
    RunOrchestrator orchestrator,
    RunInstance instance,
    IOptions<RunOwnershipOptions> options,
    TimeProvider clock,
    ILogger<RunOwnershipService> logger) : BackgroundService
{
    public const string LostReason = "The instance running it stopped.";
    public const string LostCanceledReason = "Canceled; the instance running it had stopped.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        long? lastHeartbeat = null;
        using var timer = new PeriodicTimer(o.CancelPoll, clock);
        do
        {
            try
            {
                await HonourCancelRequestsAsync(stoppingToken);
                if (lastHeartbeat is not { } last || clock.GetElapsedTime(last) >= o.Heartbeat)
                {
                    await RenewLeasesAsync(stoppingToken);
                    await RecoverLostRunsAsync(stoppingToken);
                    lastHeartbeat = clock.GetTimestamp();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Run ownership round failed; trying again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Stops the runs executing here that somebody asked to stop (on this or another instance).</summary>
    public async Task HonourCancelRequestsAsync(CancellationToken ct)
    {
        var live = orchestrator.LiveRunIds;
        if (live.Count == 0)
        {
            return;
        }

        List<(Guid Id, string? By)> requested;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var rows = await db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking()
                .Where(r => live.Contains(r.Id) && r.CancelRequestedAt != null)
                .Select(r => new { r.Id, r.CancelRequestedBy }).ToListAsync(ct);
            requested = [.. rows.Select(r => (r.Id, r.CancelRequestedBy))];
        }

        foreach (var (id, by) in requested)
        {
            await orchestrator.StopLocalAsync(id, by, ct);
        }
    }

    /// <summary>Extends the leases of the runs executing here.</summary>
    public async Task RenewLeasesAsync(CancellationToken ct)
    {
        var live = orchestrator.LiveRunIds;
        if (live.Count == 0)
        {
            return;
        }

        var until = clock.GetUtcNow() + options.Value.Lease;
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Set<JobRun>().IgnoreQueryFilters()
            .Where(r => live.Contains(r.Id) && r.OwnerInstanceId == instance.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.LeaseExpiresAt, until), ct);
    }

    /// <summary>
    /// Ends the runs whose owner's lease expired more than the grace ago (and legacy in-process runs with no owner).
    /// Flink runs already handed to a tracker are not touched. Returns how many it ended.
    /// </summary>
    public async Task<int> RecoverLostRunsAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.RecoveryGrace;
        var inProcess = orchestrator.InProcessEngines;
        List<Guid> lost;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            lost = await db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking()
                .Where(r => r.Status != RunStatus.Finished && r.Status != RunStatus.Failed && r.Status != RunStatus.Canceled)
                .Where(r => (r.OwnerInstanceId != null && r.LeaseExpiresAt < cutoff && r.FlinkJobId == null)
                            || (r.OwnerInstanceId == null && inProcess.Contains(r.Engine) && r.CreatedAt < cutoff))
                .Select(r => r.Id).ToListAsync(ct);
        }

        var ended = 0;
        foreach (var id in lost.Where(id => !orchestrator.IsLive(id)))
        {
            if (await orchestrator.EndLostAsync(id, cutoff, ct))
            {
                ended++;
            }
        }

        if (ended > 0)
        {
            logger.LogWarning("Ended {Count} runs whose instance stopped", ended);
        }

        return ended;
    }
}
