using AllData.Domain.Flink;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using AllData.Infrastructure.Scheduling;
using Quartz;

namespace AllData.Infrastructure.Flink;

/// <summary>
/// Optional auto-restart of Flink jobs: when a run of a job with <see cref="FlinkJobSettings.AutoRestart"/> fails, a new
/// run of the same published version is started from the job's latest completed checkpoint or savepoint, after a backoff
/// that doubles per restart, at most <see cref="FlinkJobSettings.AutoRestartMaxAttempts"/> times within the window. It
/// never starts one while another run of the job still has a live Flink job. The back-off is a one-shot trigger in the
/// clustered Quartz store (<see cref="SchedulingKeys.AutoRestart"/>, keyed by the failed run): an app restart during it
/// loses nothing, and of several instances that all see the failure only one trigger is stored.
/// </summary>
internal sealed class FlinkAutoRestarter(
    IDbContextFactory<AllDataDbContext> factory, ILiveEvents events, IServiceScopeFactory scopes, RunRecorder recorder, ISchedulerFactory schedulers,
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

    /// <summary>
    /// Decides whether the failed run is restarted and, when it is, stores the restart's trigger at the end of the
    /// back-off; returns when it is due, or null when no restart is due (or another instance already stored it).
    /// </summary>
    public async Task<DateTimeOffset?> OnFailedAsync(Guid runId, CancellationToken ct)
    {
        try
        {
            var decision = await DecideAsync(runId, ct);
            if (decision is null)
            {
                return null;
            }

            var (run, backoff, restorePath, attempt, max) = decision.Value;
            var due = clock.GetUtcNow() + backoff;
            var job = JobBuilder.Create<AutoRestartFlinkRunJob>().WithIdentity(SchedulingKeys.AutoRestart(runId))
                .UsingJobData(AutoRestartFlinkRunJob.RunIdKey, runId.ToString())
                .UsingJobData(AutoRestartFlinkRunJob.RestorePathKey, restorePath ?? string.Empty)
                .Build();
            var trigger = TriggerBuilder.Create().WithIdentity(SchedulingKeys.AutoRestartTrigger(runId)).ForJob(job).StartAt(due)
                .WithSimpleSchedule(x => x.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build();
            var scheduler = await schedulers.GetScheduler(ct);
            try
            {
                await scheduler.ScheduleJob(job, trigger, cancellationToken: ct);
            }
            catch (ObjectAlreadyExistsException)
            {
                return null;
            }

            await recorder.AppendLogAsync(run.WorkspaceId, run.Id, RunLogLevel.Info,
                $"Auto-restart {attempt} of {max} in {backoff.TotalSeconds:0.#} s{(restorePath is null ? " without state" : $" from {restorePath}")}.", ct);
            return due;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Auto-restart after run {RunId} failed", runId);
            return null;
        }
    }

    /// <summary>The restart itself, when its back-off is over (the Quartz job's body); the new run, or null when none was started.</summary>
    public async Task<Guid?> RestartAsync(Guid failedRunId, string? restorePath, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var run = await db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(r => r.Id == failedRunId, ct);
        // Checked again after the back-off: a user may have started the job meanwhile.
        if (run is null || await HasLiveFlinkRunAsync(run.WorkspaceId, run.JobId, ct))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var started = await scope.ServiceProvider.GetRequiredService<RunCommands>().StartAsSystemAsync(run.WorkspaceId, "auto-restart",
            new StartRunRequest(run.JobId, RunTrigger.AutoRestart) { VersionId = run.JobVersionId, RestorePath = restorePath }, ct);
        return started.RunId;
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

/// <summary>Starts an auto-restart whose back-off is over (see <see cref="FlinkAutoRestarter"/>).</summary>
internal sealed class AutoRestartFlinkRunJob(FlinkAutoRestarter restarter, ILogger<AutoRestartFlinkRunJob> logger) : IJob
{
    public const string RunIdKey = "runId";
    public const string RestorePathKey = "restorePath";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(RunIdKey), out var runId))
        {
            logger.LogError("Auto-restart trigger {Trigger} names no run", context.Trigger.Key);
            return;
        }

        var restorePath = context.MergedJobDataMap.GetString(RestorePathKey);
        var started = await restarter.RestartAsync(runId, string.IsNullOrEmpty(restorePath) ? null : restorePath, cancellationToken);
        logger.LogInformation("Auto-restart after run {RunId}: {Outcome}", runId, started is { } id ? $"started run {id}" : "not needed any more");
    }
}
