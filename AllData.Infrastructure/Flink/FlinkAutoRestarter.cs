using AllData.Domain.Flink;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Flink;

/// <summary>
/// Optional auto-restart of Flink jobs: when a run of a job with <see cref="FlinkJobSettings.AutoRestart"/> fails, a new
/// run of the same published version is started from the job's latest completed checkpoint or savepoint, after a backoff
/// that doubles per restart, at most <see cref="FlinkJobSettings.AutoRestartMaxAttempts"/> times within the window. It
/// never starts one while another run of the job still has a live Flink job.
/// </summary>
internal sealed class FlinkAutoRestarter(
    IDbContextFactory<AllDataDbContext> factory, ILiveEvents events, IServiceScopeFactory scopes, RunRecorder recorder,
    TimeProvider clock, ILogger<FlinkAutoRestarter> logger) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe(e =>
        {
            if (e is RunStatusChanged { Status: RunStatus.Failed } failed)
            {
                _ = Task.Run(() => OnFailedAsync(failed.RunId, CancellationToken.None), CancellationToken.None);
            }

            return ValueTask.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Decides and (after the backoff) starts the restart; returns the new run, or null when none is due.</summary>
    public async Task<Guid?> OnFailedAsync(Guid runId, CancellationToken ct)
    {
        try
        {
            var decision = await DecideAsync(runId, ct);
            if (decision is null)
            {
                return null;
            }

            var (run, backoff, restorePath, attempt, max) = decision.Value;
            await recorder.AppendLogAsync(run.WorkspaceId, run.Id, RunLogLevel.Info,
                $"Auto-restart {attempt} of {max} in {backoff.TotalSeconds:0.#} s{(restorePath is null ? " without state" : $" from {restorePath}")}.", ct);
            if (backoff > TimeSpan.Zero)
            {
                await Task.Delay(backoff, clock, ct);
            }

            // Checked again after the backoff: a user may have started the job meanwhile.
            if (await HasLiveFlinkRunAsync(run.WorkspaceId, run.JobId, ct))
            {
                return null;
            }

            await using var scope = scopes.CreateAsyncScope();
            var started = await scope.ServiceProvider.GetRequiredService<RunCommands>().StartAsSystemAsync(run.WorkspaceId, "auto-restart",
                new StartRunRequest(run.JobId, RunTrigger.AutoRestart) { VersionId = run.JobVersionId, RestorePath = restorePath }, ct);
            return started.RunId;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Auto-restart after run {RunId} failed", runId);
            return null;
        }
    }

    private async Task<(JobRun Run, TimeSpan Backoff, string? RestorePath, int Attempt, int Max)?> DecideAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var run = await db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || run.Engine == RunEngine.DatabaseSql || run.JobVersionId is null)
        {
            return null;
        }

        var job = await db.Set<Job>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(j => j.Id == run.JobId, ct);
        var settings = job?.FlinkSettings;
        if (settings is not { AutoRestart: true })
        {
            return null;
        }

        var since = clock.GetUtcNow().AddMinutes(-settings.AutoRestartWindowMinutes);
        var restarts = await db.Set<JobRun>().IgnoreQueryFilters()
            .CountAsync(r => r.JobId == run.JobId && r.Trigger == RunTrigger.AutoRestart && r.CreatedAt >= since, ct);
        if (restarts >= settings.AutoRestartMaxAttempts)
        {
            await recorder.AppendLogAsync(run.WorkspaceId, run.Id, RunLogLevel.Warning,
                $"Not restarted: {restarts} auto-restarts within {settings.AutoRestartWindowMinutes} min reached the cap of {settings.AutoRestartMaxAttempts}.", ct);
            return null;
        }

        if (await HasLiveFlinkRunAsync(run.WorkspaceId, run.JobId, ct))
        {
            return null;
        }

        var restorePath = await db.Set<FlinkSnapshot>().IgnoreQueryFilters().AsNoTracking().Where(s => s.JobId == run.JobId)
            .OrderByDescending(s => s.CompletedAt).Select(s => s.Path).FirstOrDefaultAsync(ct);
        var backoff = TimeSpan.FromSeconds(settings.AutoRestartBackoffSeconds * Math.Pow(2, restarts));
        return (run, backoff, restorePath, restarts + 1, settings.AutoRestartMaxAttempts);
    }

    private async Task<bool> HasLiveFlinkRunAsync(Guid workspaceId, Guid jobId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<JobRun>().IgnoreQueryFilters().AnyAsync(r => r.WorkspaceId == workspaceId && r.JobId == jobId
                                                                         && r.Status != RunStatus.Finished && r.Status != RunStatus.Failed
                                                                         && r.Status != RunStatus.Canceled, ct);
    }
}
