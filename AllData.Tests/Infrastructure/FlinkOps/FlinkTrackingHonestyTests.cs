using AllData.Domain.Flink;
using AllData.Domain.Operations;
using AllData.Infrastructure.Flink.Tracking;
using AllData.Tests.EndToEnd.Live;
using AllData.Tests.Fakes.Flink;
using AllData.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace AllData.Tests.Infrastructure.FlinkOps;

/// <summary>The tracker against a JobManager at its worst: it forgets jobs, restarts without HA, sends unknown states and junk.</summary>
public sealed class FlinkTrackingHonestyTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Script = "CREATE TABLE s (id INT) WITH ('connector' = 'blackhole');\nINSERT INTO s SELECT 1;";

    [Fact]
    public async Task Job_that_ended_and_expired_from_the_job_store_is_unknown_not_failed_or_finished()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (job, runId, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;

        // AllData was away while the job finished and Flink's job store expired it.
        host.Flink.JobManager.JobStoreExpiration = TimeSpan.Zero;
        job.MoveTo(FlinkJobState.Finished);
        await tracker.TickAsync(host.Ct);

        var run = await host.RunAsync(runId);
        Assert.Equal(RunStatus.Unknown, run.Status);
        Assert.Equal(ClusterTracker.ForgottenReasonWith(null), LastReason(run));
        Assert.DoesNotContain(run.History, h => h.To is RunStatus.Failed or RunStatus.Finished);
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task Job_manager_restarted_without_ha_leaves_its_runs_unknown()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (_, runId, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;

        await host.Flink.JobManager.RestartAsync(highAvailability: false);
        await tracker.TickAsync(host.Ct);

        var run = await host.RunAsync(runId);
        Assert.Equal(RunStatus.Unknown, run.Status);
        Assert.StartsWith(ClusterTracker.ForgottenReason, LastReason(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_the_job_manager_forgot_is_ended_as_the_history_server_reports_it()
    {
        await using var host = await FlinkOpsHost.StartAsync(database, flink: await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0, historyServer: true));
        var (job, runId, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;

        job.MoveTo(FlinkJobState.Finished);
        host.Flink.JobManager.ForgetEndedJobs();
        await tracker.TickAsync(host.Ct);

        var run = await host.RunAsync(runId);
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Equal(1, host.Flink.HistoryServer!.RequestCount("GET /jobs/{jobid}"));
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task Failure_read_from_the_history_server_carries_the_root_cause()
    {
        await using var host = await FlinkOpsHost.StartAsync(database, flink: await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0, historyServer: true));
        var (job, runId, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;

        job.MoveTo(FlinkJobState.Failed, "Kafka broker unreachable");
        host.Flink.JobManager.ForgetEndedJobs();
        await tracker.TickAsync(host.Ct);

        var run = await host.RunAsync(runId);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("Kafka broker unreachable", run.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_that_finished_while_the_cluster_was_down_and_was_forgotten_is_not_failed()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (job, runId, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;

        await host.Flink.JobManager.StopAsync();
        await tracker.TickAsync(host.Ct);
        Assert.StartsWith(ClusterTracker.NoAnswerPrefix, LastReason(await host.RunAsync(runId)), StringComparison.Ordinal);
        job.MoveTo(FlinkJobState.Finished);
        await host.Flink.JobManager.RestartAsync(highAvailability: false);
        await tracker.TickAsync(host.Ct);

        var run = await host.RunAsync(runId);
        Assert.Equal(RunStatus.Unknown, run.Status);
        Assert.StartsWith(ClusterTracker.ForgottenReason, LastReason(run), StringComparison.Ordinal);
        Assert.DoesNotContain(run.History, h => h.To == RunStatus.Failed);
    }

    [Fact]
    public async Task Job_that_finished_while_the_cluster_was_down_is_finished_from_the_history_server()
    {
        await using var host = await FlinkOpsHost.StartAsync(database, flink: await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0, historyServer: true));
        var (job, runId, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;

        await host.Flink.JobManager.StopAsync();
        await tracker.TickAsync(host.Ct);
        job.MoveTo(FlinkJobState.Finished);
        await host.Flink.JobManager.RestartAsync(highAvailability: false);
        await tracker.TickAsync(host.Ct);

        Assert.Equal(RunStatus.Finished, (await host.RunAsync(runId)).Status);
    }

    [Fact]
    public async Task A_forgotten_job_is_not_looked_up_again_every_tick()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (job, _, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;
        host.Flink.JobManager.RemoveJob(job.Id);

        for (var tick = 0; tick < 3; tick++)
        {
            await tracker.TickAsync(host.Ct);
        }

        Assert.Equal(1, host.Flink.JobManager.RequestCount("GET /jobs/{jobid}"));
        Assert.Equal(4, host.Flink.JobManager.RequestCount("GET /jobs/overview"));
    }

    [Fact]
    public async Task A_forgotten_job_that_comes_back_is_tracked_again()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (job, runId, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;
        host.Flink.JobManager.RemoveJob(job.Id);
        await tracker.TickAsync(host.Ct);
        Assert.Equal(RunStatus.Unknown, (await host.RunAsync(runId)).Status);

        // A JobManager with HA recovers it.
        host.Flink.JobManager.AddJob(job.Name, FlinkJobState.Running, job.Id);
        await tracker.TickAsync(host.Ct);

        Assert.Equal(RunStatus.Running, (await host.RunAsync(runId)).Status);
    }

    [Fact]
    public async Task A_state_allData_does_not_know_makes_only_that_job_unknown()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var strange = host.Flink.JobManager.AddJob("strange");
        var normal = host.Flink.JobManager.AddJob("normal");
        var strangeRun = await host.CreateTrackedRunAsync(jobId, versionId, strange);
        var normalRun = await host.CreateTrackedRunAsync(jobId, versionId, normal);
        await using var tracker = host.CreateTracker();
        await tracker.TickAsync(host.Ct);

        strange.ReportState("DEGRADED");
        normal.MoveTo(FlinkJobState.Failed, "disk full");
        await tracker.TickAsync(host.Ct);

        var unknown = await host.RunAsync(strangeRun);
        Assert.Equal(RunStatus.Unknown, unknown.Status);
        Assert.Equal(ClusterTracker.UnknownStateReason("DEGRADED"), LastReason(unknown));
        var failed = await host.RunAsync(normalRun);
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Contains("disk full", failed.ErrorMessage, StringComparison.Ordinal);

        strange.MoveTo(FlinkJobState.Running);
        await tracker.TickAsync(host.Ct);
        Assert.Equal(RunStatus.Running, (await host.RunAsync(strangeRun)).Status);
    }

    [Fact]
    public async Task Unknown_reason_tells_no_answer_from_an_error_and_from_an_unreadable_answer()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (_, runId, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;

        await host.Flink.JobManager.StopAsync();
        await tracker.TickAsync(host.Ct);
        await host.Flink.JobManager.StartAsync();
        host.Flink.JobManager.MalformNext("GET /jobs/overview");
        await tracker.TickAsync(host.Ct);
        host.Flink.JobManager.FailNext("GET /jobs/overview");
        await tracker.TickAsync(host.Ct);

        var reasons = (await host.RunAsync(runId)).History.OrderBy(h => h.At).ThenBy(h => h.Id)
            .Where(h => h.To == RunStatus.Unknown).Select(h => h.Reason!).ToList();
        Assert.Equal(3, reasons.Count);
        Assert.StartsWith(ClusterTracker.NoAnswerPrefix, reasons[0], StringComparison.Ordinal);
        Assert.StartsWith(ClusterTracker.UnreadablePrefix, reasons[1], StringComparison.Ordinal);
        Assert.StartsWith(ClusterTracker.ErrorAnswerPrefix, reasons[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("500")]
    [InlineData("reset")]
    public async Task A_failing_cluster_costs_one_overview_request_per_tick_even_with_client_retries(string fault)
    {
        await using var host = await FlinkOpsHost.StartAsync(database, client: o => o.MaxRetries = 3);
        var (_, runId, tracker) = await TrackOneAsync(host);
        await using var _ = tracker;
        host.Flink.JobManager.ResetCounts();
        if (fault == "500")
        {
            host.Flink.JobManager.FailNext("GET /jobs/overview", 10);
        }
        else
        {
            host.Flink.JobManager.DropNext("GET /jobs/overview", 10);
        }

        await tracker.TickAsync(host.Ct);
        await tracker.TickAsync(host.Ct);

        Assert.Equal(2, host.Flink.JobManager.RequestCount("GET /jobs/overview"));
        Assert.Equal(RunStatus.Unknown, (await host.RunAsync(runId)).Status);
    }

    [Fact]
    public async Task A_tick_longer_than_the_interval_is_not_followed_by_catch_up_ticks()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        await TrackOneAsync(host);
        var interval = TimeSpan.FromSeconds(10);
        var fake = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var clock = new TimerCountingTimeProvider(fake);
        var first = 1;
        host.Flink.JobManager.ResetCounts();
        host.Flink.JobManager.BeforeAnswer = key =>
        {
            if (key == "GET /jobs/overview" && Interlocked.Exchange(ref first, 0) == 1)
            {
                fake.Advance(interval * 3.5);
            }
        };
        await using var tracker = host.CreateTracker(clock, o => o.Interval = interval);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => tracker.RunAsync(stop.Token));

        // After the long first tick the loop waits for the next slot (4 intervals after its start) instead of ticking at once.
        await LiveTestKit.EventuallyAsync(() => clock.TimersCreated >= 1, "the loop waiting after the long tick");
        Assert.Equal(1, host.Flink.JobManager.RequestCount("GET /jobs/overview"));
        fake.Advance(interval * 0.4);
        Assert.Equal(1, host.Flink.JobManager.RequestCount("GET /jobs/overview"));
        fake.Advance(interval * 0.1);
        await LiveTestKit.EventuallyAsync(() => clock.TimersCreated >= 2, "the loop waiting after the second tick");
        Assert.Equal(2, host.Flink.JobManager.RequestCount("GET /jobs/overview"));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Theory]
    [InlineData(0, 10, 10)]
    [InlineData(3, 10, 7)]
    [InlineData(10, 10, 10)]
    [InlineData(35, 10, 5)]
    public void The_next_tick_waits_for_the_next_slot(int elapsed, int interval, int expected) =>
        Assert.Equal(TimeSpan.FromSeconds(expected), ClusterTracker.DelayUntilNextTick(TimeSpan.FromSeconds(elapsed), TimeSpan.FromSeconds(interval)));

    private static async Task<(FakeFlinkJob Job, Guid RunId, ClusterTracker Tracker)> TrackOneAsync(FlinkOpsHost host)
    {
        var (jobId, versionId) = await host.CreateSqlJobAsync(Script);
        var job = host.Flink.JobManager.AddJob("orders_enriched");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, job);
        var tracker = host.CreateTracker();
        await tracker.TickAsync(host.Ct);
        Assert.Equal(RunStatus.Running, (await host.RunAsync(runId)).Status);
        return (job, runId, tracker);
    }

    private static string? LastReason(JobRun run) => run.History.OrderBy(h => h.At).ThenBy(h => h.Id).Last().Reason;

    /// <summary>A fake clock that counts the timers created on it: a loop creates one each time it starts waiting.</summary>
    private sealed class TimerCountingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        private int _timers;

        public int TimersCreated => Volatile.Read(ref _timers);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}
