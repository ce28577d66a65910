using Quartz;
using AllData.Infrastructure.Scheduling;
using Microsoft.EntityFrameworkCore;
using AllData.Domain.Flink;
using AllData.Domain.Operations;
using AllData.Infrastructure.Flink;
using AllData.Infrastructure.Flink.Tracking;
using AllData.Infrastructure.Operations;
using AllData.Tests.Fakes.Flink;
using AllData.Tests.Fixtures;

namespace AllData.Tests.Infrastructure.FlinkOps;

public sealed class FlinkTrackingTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Script = """
        SET 'table.exec.state.ttl' = '1 h';
        CREATE TABLE orders (id INT) WITH ('connector' = 'datagen');
        CREATE TABLE sink (id INT) WITH ('connector' = 'blackhole');
        INSERT INTO sink SELECT id FROM orders;
        """;

    [Fact]
    public async Task Submitted_sql_job_runs_and_cancel_ends_it_canceled()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var orchestrator = host.Get<RunOrchestrator>();

        var started = await orchestrator.StartAsync(new RunStart(host.WorkspaceId, "tester", new StartRunRequest(jobId, RunTrigger.Manual) { VersionId = versionId }), host.Ct);
        await orchestrator.WhenEndedAsync(started.RunId);
        var submitted = await host.RunAsync(started.RunId);
        Assert.NotNull(submitted.FlinkJobId);
        Assert.Equal(host.ClusterId, submitted.FlinkClusterId);
        Assert.Equal(["SET", "CREATE", "CREATE", "INSERT"], host.Flink.SqlGateway.Statements.Select(s => s.Split(' ')[0]).ToArray());
        Assert.Empty(host.Flink.SqlGateway.Sessions);
        Assert.Equal("orders_enriched", host.Flink.JobManager[submitted.FlinkJobId!].Name);

        await using var tracker = host.CreateTracker();
        Assert.True(await tracker.TryAcquireLockAsync(host.Ct));
        await tracker.TickAsync(host.Ct);
        Assert.Equal(RunStatus.Running, (await host.RunAsync(started.RunId)).Status);

        await host.With<FlinkJobOperations, bool>(async o => { await o.CancelAsync(started.RunId, host.Ct); return true; });
        Assert.Equal(RunStatus.Canceling, (await host.RunAsync(started.RunId)).Status);
        await tracker.TickAsync(host.Ct);

        var run = await host.RunAsync(started.RunId);
        Assert.Equal(RunStatus.Canceled, run.Status);
        Assert.Equal([RunStatus.Queued, RunStatus.Submitting, RunStatus.Running, RunStatus.Canceling, RunStatus.Canceled],
            run.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => h.To).ToArray());
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task Gateway_error_names_the_statement_and_its_line_and_starts_no_job()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        host.Flink.SqlGateway.FailingStatements["CREATE TABLE sink"] =
            "org.apache.flink.table.api.ValidationException: Could not find any factory for identifier 'blackhole2' at line 1, column 40";
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var orchestrator = host.Get<RunOrchestrator>();

        var started = await orchestrator.StartAsync(new RunStart(host.WorkspaceId, "tester", new StartRunRequest(jobId, RunTrigger.Manual) { VersionId = versionId }), host.Ct);
        await orchestrator.WhenEndedAsync(started.RunId);

        var run = await host.RunAsync(started.RunId);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith("Statement 3 (line 3, column 40)", run.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(host.Flink.JobManager.Jobs);
        Assert.Empty(host.Flink.SqlGateway.Sessions);
    }

    [Fact]
    public async Task Cluster_that_does_not_answer_turns_runs_unknown_and_back_running_never_failed()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var job = host.Flink.JobManager.AddJob("orders_enriched");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, job);
        await using var tracker = host.CreateTracker();
        await tracker.TickAsync(host.Ct);
        Assert.Equal(RunStatus.Running, (await host.RunAsync(runId)).Status);

        await host.Flink.JobManager.StopAsync();
        await tracker.TickAsync(host.Ct);
        var unknown = await host.RunAsync(runId);
        Assert.Equal(RunStatus.Unknown, unknown.Status);
        Assert.StartsWith("The cluster did not answer", unknown.History.OrderBy(h => h.At).Last().Reason, StringComparison.Ordinal);
        await tracker.TickAsync(host.Ct);

        await host.Flink.JobManager.StartAsync();
        await tracker.TickAsync(host.Ct);
        var back = await host.RunAsync(runId);
        Assert.Equal(RunStatus.Running, back.Status);
        Assert.DoesNotContain(back.History, h => h.To == RunStatus.Failed);
    }

    [Fact]
    public async Task Job_that_failed_while_the_cluster_was_down_is_failed_once_it_is_back()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var job = host.Flink.JobManager.AddJob("orders_enriched");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, job);
        await using var tracker = host.CreateTracker();
        await tracker.TickAsync(host.Ct);

        await host.Flink.JobManager.StopAsync();
        await tracker.TickAsync(host.Ct);
        Assert.Equal(RunStatus.Unknown, (await host.RunAsync(runId)).Status);
        job.MoveTo(FlinkJobState.Failed, "Kafka broker unreachable");
        await host.Flink.JobManager.StartAsync();
        await tracker.TickAsync(host.Ct);

        var run = await host.RunAsync(runId);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("Kafka broker unreachable", run.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_hundred_jobs_on_one_cluster_cost_one_overview_call_per_tick()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        for (var i = 0; i < 500; i++)
        {
            await host.CreateTrackedRunAsync(jobId, versionId, host.Flink.JobManager.AddJob($"job-{i}"));
        }

        await using var tracker = host.CreateTracker();
        await tracker.TickAsync(host.Ct);
        host.Flink.JobManager.ResetCounts();

        for (var tick = 0; tick < 3; tick++)
        {
            await tracker.TickAsync(host.Ct);
        }

        Assert.Equal(3, host.Flink.JobManager.RequestCount("GET /jobs/overview"));
        Assert.Equal(3, host.Flink.JobManager.TotalRequests);
    }

    [Fact]
    public async Task Two_trackers_for_one_cluster_only_one_polls()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        await using var first = host.CreateTracker();
        await using var second = host.CreateTracker();

        Assert.True(await first.TryAcquireLockAsync(host.Ct));
        Assert.False(await second.TryAcquireLockAsync(host.Ct));

        await first.DisposeAsync();
        Assert.True(await second.TryAcquireLockAsync(host.Ct));
    }

    [Fact]
    public async Task Tracker_whose_lock_session_died_stops_polling_while_another_holds_the_lock()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        await using var first = host.CreateTracker();
        await using var second = host.CreateTracker();
        Assert.True(await first.TryAcquireLockAsync(host.Ct));

        await using (var admin = host.Database.OpenConnection())
        await using (var kill = new Npgsql.NpgsqlCommand(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'AllData Flink tracker' AND datname = current_database()", admin))
        {
            await kill.ExecuteNonQueryAsync(host.Ct);
        }

        // pg_terminate_backend only signals the backend: its lock is free once it has exited.
        var acquired = false;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !acquired && DateTime.UtcNow < deadline; await Task.Delay(50, host.Ct))
        {
            acquired = await second.TryAcquireLockAsync(host.Ct);
        }

        Assert.True(acquired);
        Assert.False(await first.TryAcquireLockAsync(host.Ct));
    }

    [Fact]
    public async Task Job_missing_from_the_overview_is_looked_up_and_a_404_makes_it_unknown_never_failed()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var job = host.Flink.JobManager.AddJob("orders_enriched");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, job);
        await using var tracker = host.CreateTracker();
        await tracker.TickAsync(host.Ct);
        host.Flink.JobManager.RemoveJob(job.Id);
        host.Flink.JobManager.ResetCounts();

        await tracker.TickAsync(host.Ct);

        Assert.Equal(1, host.Flink.JobManager.RequestCount("GET /jobs/{jobid}"));
        var run = await host.RunAsync(runId);
        Assert.Equal(RunStatus.Unknown, run.Status);
        Assert.StartsWith(ClusterTracker.ForgottenReason, run.History.OrderBy(h => h.At).Last().Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(run.History, h => h.To is RunStatus.Failed or RunStatus.Finished);
    }

    [Fact]
    public async Task Jobs_nobody_submitted_are_external_and_can_be_adopted()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, _) = await host.CreateSqlJobAsync(Script);
        var external = host.Flink.JobManager.AddJob("someone-elses-job");

        var jobs = await host.With<FlinkClusterService, IReadOnlyList<FlinkClusterJob>>(s => s.GetJobsAsync(host.ClusterId, host.Ct));
        Assert.True(Assert.Single(jobs).IsExternal);

        var runId = await host.With<FlinkClusterService, Guid>(s => s.AdoptAsync(host.ClusterId, external.Id, jobId, host.Ct));
        await using var tracker = host.CreateTracker();
        await tracker.TickAsync(host.Ct);
        Assert.Equal(RunStatus.Running, (await host.RunAsync(runId)).Status);
        Assert.Empty(tracker.ExternalJobs);
    }

    [Fact]
    public async Task Savepoint_that_never_completes_times_out_cleanly()
    {
        await using var host = await FlinkOpsHost.StartAsync(database, o => o.SavepointTimeout = TimeSpan.FromMilliseconds(300));
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var job = host.Flink.JobManager.AddJob("orders_enriched");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, job);
        host.Flink.JobManager.SavepointOutcome = FakeSavepointOutcome.NeverComplete;

        var operation = await host.With<FlinkJobOperations, FlinkSavepointOperationView>(o => o.TriggerSavepointAsync(runId, host.Ct));

        Assert.Equal(FlinkSavepointOperationStatus.TimedOut, operation.Status);
        Assert.True(operation.Polls >= 2);
        var stored = Assert.Single(await host.With<FlinkJobOperations, IReadOnlyList<FlinkSavepointOperationView>>(o => o.GetSavepointOperationsAsync(runId, host.Ct)));
        Assert.Equal(FlinkSavepointOperationStatus.TimedOut, stored.Status);
        Assert.Equal(FlinkJobState.Running, job.State);
    }

    [Fact]
    public async Task Completed_savepoint_is_kept_to_restore_from()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, host.Flink.JobManager.AddJob("orders_enriched"));

        var operation = await host.With<FlinkJobOperations, FlinkSavepointOperationView>(o => o.TriggerSavepointAsync(runId, host.Ct));

        Assert.Equal(FlinkSavepointOperationStatus.Completed, operation.Status);
        var snapshot = Assert.Single(await host.With<FlinkJobOperations, IReadOnlyList<FlinkSnapshotView>>(o => o.GetSnapshotsAsync(jobId, ct: host.Ct)));
        Assert.Equal(operation.Location, snapshot.Path);
        Assert.Equal(FlinkSnapshotKind.Savepoint, snapshot.Kind);
    }

    [Fact]
    public async Task A_restart_restores_its_own_savepoint_even_when_the_job_is_started_again_at_once()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, host.Flink.JobManager.AddJob("orders_enriched"));
        var orchestrator = host.Get<RunOrchestrator>();

        var restarted = await host.With<FlinkJobOperations, Guid>(o => o.RestartAsync(runId, host.Ct));
        var other = await host.With<RunCommands, RunStarted>(c => c.StartAsync(new StartRunRequest(jobId, RunTrigger.Manual) { VersionId = versionId }, host.Ct));
        await orchestrator.WhenEndedAsync(restarted);
        await orchestrator.WhenEndedAsync(other.RunId);

        var savepoint = Assert.Single(await host.With<FlinkJobOperations, IReadOnlyList<FlinkSavepointOperationView>>(o => o.GetSavepointOperationsAsync(runId, host.Ct))).Location;
        Assert.NotNull(savepoint);
        Assert.Equal(savepoint, (await host.RunAsync(restarted)).RestorePath);
        Assert.Null((await host.RunAsync(other.RunId)).RestorePath);
        await using var db = host.Database.CreateContext(host.WorkspaceId);
        var restoring = await db.Set<RunLogLine>().AsNoTracking().Where(l => l.Text.StartsWith("Restoring from")).Select(l => new { l.RunId, l.Text }).ToListAsync();
        Assert.Equal([(restarted, $"Restoring from {savepoint}.")], restoring.Select(l => (l.RunId, l.Text)));
    }

    [Fact]
    public async Task Auto_restart_stops_at_its_cap()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script, s => s with { AutoRestart = true, AutoRestartMaxAttempts = 2, AutoRestartBackoffSeconds = 0 });
        var restarter = host.Get<FlinkAutoRestarter>();
        var orchestrator = host.Get<RunOrchestrator>();
        await using var tracker = host.CreateTracker();
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, host.Flink.JobManager.AddJob("orders_enriched"));

        var restarted = new List<Guid>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var run = await host.RunAsync(runId);
            host.Flink.JobManager[run.FlinkJobId!].MoveTo(FlinkJobState.Failed, $"crash {attempt}");
            await tracker.TickAsync(host.Ct);
            Assert.Equal(RunStatus.Failed, (await host.RunAsync(runId)).Status);
            if (await restarter.OnFailedAsync(runId, host.Ct) is null)
            {
                break;
            }

            // The back-off is a trigger in the shared Quartz store, not a delay in this process; a second instance
            // seeing the same failure stores nothing more.
            var scheduler = await host.Get<ISchedulerFactory>().GetScheduler(host.Ct);
            var stored = await scheduler.GetJobDetail(SchedulingKeys.AutoRestart(runId), host.Ct);
            Assert.NotNull(stored);
            Assert.NotNull(await scheduler.GetTrigger(SchedulingKeys.AutoRestartTrigger(runId), host.Ct));
            Assert.Null(await restarter.OnFailedAsync(runId, host.Ct));
            var restorePath = stored.JobDataMap.GetString(AutoRestartFlinkRunJob.RestorePathKey);
            if (await restarter.RestartAsync(runId, string.IsNullOrEmpty(restorePath) ? null : restorePath, host.Ct) is not { } next)
            {
                break;
            }

            await orchestrator.WhenEndedAsync(next);
            restarted.Add(next);
            runId = next;
        }

        Assert.Equal(2, restarted.Count);
        await using (var logs = host.Database.CreateContext(host.WorkspaceId))
        {
            Assert.Equal(2, await logs.Set<RunLogLine>().CountAsync(l => l.Text.StartsWith("Auto-restart ")));
        }

        Assert.All(await Task.WhenAll(restarted.Select(host.RunAsync)), r => Assert.Equal(RunTrigger.AutoRestart, r.Trigger));
        Assert.All(host.Flink.JobManager.Jobs, j => Assert.Equal(FlinkJobState.Failed, j.State));
    }

    [Fact]
    public async Task Metric_samples_past_their_retention_are_pruned_by_the_quartz_job_and_the_rest_kept()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, host.Flink.JobManager.AddJob("orders_enriched"));
        var now = TimeProvider.System.GetUtcNow();
        await using (var db = host.Database.CreateContext(host.WorkspaceId))
        {
            FlinkMetricSample Sample(int resolution, TimeSpan age) => new(host.WorkspaceId, runId, resolution, now - age, 1, 1, null, null, 0, 0);
            db.AddRange(Sample(10, TimeSpan.FromHours(7)), Sample(10, TimeSpan.FromHours(1)), Sample(60, TimeSpan.FromDays(8)), Sample(60, TimeSpan.FromDays(2)));
            await db.SaveChangesAsync();
        }

        var job = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<PruneFlinkMetricsJob>(host.Services);
        Assert.Equal(2, await job.PruneAsync(host.Ct));
        await using var check = host.Database.CreateContext(host.WorkspaceId);
        var kept = await check.Set<FlinkMetricSample>().AsNoTracking().Where(m => m.RunId == runId).OrderBy(m => m.ResolutionSeconds).ToListAsync();
        Assert.Equal([10, 60], kept.Select(k => k.ResolutionSeconds));
        var scheduler = await host.Get<ISchedulerFactory>().GetScheduler(host.Ct);
        Assert.NotNull(await scheduler.GetTrigger(SchedulingKeys.PruneFlinkMetricsTrigger, host.Ct));
    }
}
