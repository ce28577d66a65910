using System.Net;
using AllData.Domain.Flink;
using AllData.Domain.Operations;
using AllData.Infrastructure.Flink;
using AllData.Tests.Fakes.Flink;

namespace AllData.Tests.Infrastructure.Flink;

/// <summary>What the JobManager client does when Flink says no, says nothing, or says nonsense.</summary>
public sealed class JobManagerFailureTests
{
    [Fact]
    public async Task Unknown_job_is_a_rest_exception_with_flinks_message()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        var id = FlinkJobId.NewId();

        var error = await Assert.ThrowsAsync<FlinkRestException>(() => h.JobManager.GetJobAsync(id, h.Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains($"Could not find Flink job ({id})", error.RootCause);
        Assert.Null(await h.JobManager.FindJobAsync(id, h.Ct));
        h.AssertNoViolations();
    }

    [Fact]
    public async Task Cancelling_a_finished_job_is_a_conflict()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        var job = h.FakeJobManager.AddJob("done", FlinkJobState.Finished);

        var error = await Assert.ThrowsAsync<FlinkRestException>(() => h.JobManager.CancelJobAsync(FlinkJobId.Parse(job.Id), h.Ct));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        h.AssertNoViolations();
    }

    [Fact]
    public async Task A_get_that_answers_500_is_retried_and_succeeds()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        h.FakeJobManager.FailNext("GET /jobs/overview");
        h.FakeJobManager.AddJob("orders");

        var jobs = await h.JobManager.GetJobsOverviewAsync(h.Ct);

        Assert.Single(jobs);
        Assert.Equal(2, h.FakeJobManager.RequestCount("GET /jobs/overview"));
    }

    [Fact]
    public async Task A_post_that_answers_500_is_not_retried()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        var job = h.FakeJobManager.AddJob("orders");
        h.FakeJobManager.FailNext("POST /jobs/{jobid}/savepoints");

        var error = await Assert.ThrowsAsync<FlinkRestException>(
            () => h.JobManager.TriggerSavepointAsync(FlinkJobId.Parse(job.Id), null, cancelJob: false, h.Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("java.lang.RuntimeException: injected fault", error.RootCause);
        Assert.Equal(1, h.FakeJobManager.RequestCount("POST /jobs/{jobid}/savepoints"));
    }

    [Fact]
    public async Task A_patch_cancel_that_answers_500_is_not_retried()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        var job = h.FakeJobManager.AddJob("orders");
        h.FakeJobManager.FailNext("PATCH /jobs/{jobid}");

        await Assert.ThrowsAsync<FlinkRestException>(() => h.JobManager.CancelJobAsync(FlinkJobId.Parse(job.Id), h.Ct));

        Assert.Equal(1, h.FakeJobManager.RequestCount("PATCH /jobs/{jobid}"));
        Assert.Equal(FlinkJobState.Running, job.State);
    }

    [Fact]
    public async Task A_stopped_job_manager_is_classified_unreachable()
    {
        await using var h = await FlinkClientHarness.StartAsync(configure: o => o.MaxRetries = 0);
        await h.FakeJobManager.StopAsync();

        var error = await Assert.ThrowsAsync<FlinkUnreachableException>(() => h.JobManager.GetJobsOverviewAsync(h.Ct));
        var health = await h.JobManager.ProbeAsync(h.Ct);

        Assert.Equal(FlinkUnreachableReason.ConnectionFailed, error.Reason);
        Assert.Equal(FlinkClusterStatus.Unreachable, health.Status);
        Assert.Contains("did not answer", health.LastError);
    }

    [Fact]
    public async Task A_job_manager_slower_than_the_timeout_is_classified_unreachable()
    {
        await using var h = await FlinkClientHarness.StartAsync(configure: o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.TotalTimeout = TimeSpan.FromMilliseconds(400);
            o.MaxRetries = 0;
        });
        h.FakeJobManager.DelayNext("GET /overview", TimeSpan.FromSeconds(5));

        var health = await h.JobManager.ProbeAsync(h.Ct);

        Assert.Equal(FlinkClusterStatus.Unreachable, health.Status);
        Assert.Contains("timed out", health.LastError);
    }

    [Fact]
    public async Task Malformed_json_is_a_protocol_error_and_an_unhealthy_cluster()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        h.FakeJobManager.MalformNext("GET /jobs/overview");
        h.FakeJobManager.MalformNext("GET /overview");

        await Assert.ThrowsAsync<FlinkProtocolException>(() => h.JobManager.GetJobsOverviewAsync(h.Ct));
        var health = await h.JobManager.ProbeAsync(h.Ct);

        Assert.Equal(FlinkClusterStatus.Unhealthy, health.Status);
    }

    [Fact]
    public async Task The_authorization_header_of_the_cluster_is_sent()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        h.FakeJobManager.RequiredAuthorization = "Bearer s3cr3t";
        var withAuth = h.Factory.CreateJobManagerClient(new FlinkEndpoint(h.FakeJobManager.BaseUrl, "Bearer s3cr3t"));

        var overview = await withAuth.GetOverviewAsync(h.Ct);
        var error = await Assert.ThrowsAsync<FlinkRestException>(() => h.JobManager.GetOverviewAsync(h.Ct));

        Assert.Equal(2, overview.TaskManagers);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task A_scripted_lifecycle_is_seen_state_by_state_through_the_overview()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        h.FakeJobManager.AddJob("orders").Script(
            FlinkJobState.Failing, FlinkJobState.Restarting, FlinkJobState.Running, FlinkJobState.Failing, FlinkJobState.Failed);

        List<RunStatus> seen = [(await h.JobManager.GetJobsOverviewAsync(h.Ct)).Single().State!.Value.ToRunStatus()];
        while (h.FakeJobManager.Advance() > 0)
        {
            seen.Add((await h.JobManager.GetJobsOverviewAsync(h.Ct)).Single().State!.Value.ToRunStatus());
        }

        Assert.Equal(
            [RunStatus.Running, RunStatus.Restarting, RunStatus.Restarting, RunStatus.Running, RunStatus.Restarting, RunStatus.Failed],
            seen);
        h.AssertNoViolations();
    }

    [Fact]
    public async Task A_job_manager_that_comes_back_reports_the_jobs_new_state()
    {
        await using var h = await FlinkClientHarness.StartAsync(configure: o => o.MaxRetries = 0);
        var job = h.FakeJobManager.AddJob("orders");
        await h.FakeJobManager.StopAsync();
        await Assert.ThrowsAsync<FlinkUnreachableException>(() => h.JobManager.GetJobsOverviewAsync(h.Ct));

        job.MoveTo(FlinkJobState.Failed, "TaskManager lost");
        await h.FakeJobManager.StartAsync();
        var jobs = await h.JobManager.GetJobsOverviewAsync(h.Ct);

        Assert.Equal(FlinkJobState.Failed, jobs.Single().State);
        h.AssertNoViolations();
    }

    [Fact]
    public async Task A_savepoint_that_never_completes_times_out_with_its_last_status()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        h.FakeJobManager.SavepointOutcome = FakeSavepointOutcome.NeverComplete;
        var id = FlinkJobId.Parse(h.FakeJobManager.AddJob("orders").Id);
        var trigger = await h.JobManager.TriggerSavepointAsync(id, null, cancelJob: false, h.Ct);

        var status = await h.JobManager.WaitForSavepointAsync(id, trigger, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200), h.Ct);

        Assert.Equal(FlinkAsyncOperationState.InProgress, status.State);
        Assert.InRange(h.FakeJobManager.RequestCount("GET /jobs/{jobid}/savepoints/{triggerid}"), 2, 11);
    }

    [Fact]
    public async Task Log_tail_reads_from_an_offset_and_keeps_at_most_the_cap()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        var lines = string.Concat(Enumerable.Range(1, 200).Select(i => $"line {i:D4}\n"));
        h.FakeJobManager.JobManagerLogFiles["jobmanager.log"] = lines;

        var capped = await h.JobManager.ReadLogAsync(FlinkLogSource.JobManagerLog, 0, 100, h.Ct);
        h.FakeJobManager.JobManagerLogFiles["jobmanager.log"] = lines + "line 0201\n";
        var next = await h.JobManager.ReadLogAsync(FlinkLogSource.JobManagerLog, capped.TotalLength, 100, h.Ct);

        Assert.True(capped.Truncated);
        Assert.EndsWith("line 0200\n", capped.Text);
        Assert.StartsWith("line 01", capped.Text);
        Assert.True(capped.Text.Length <= 100);
        Assert.Equal("line 0201\n", next.Text);
        Assert.False(next.Truncated);
        h.AssertNoViolations();
    }

    [Fact]
    public async Task Health_of_each_cluster_is_independent()
    {
        await using var a = await FlinkClientHarness.StartAsync(configure: o => o.MaxRetries = 0);
        await using var b = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink1_20);
        var clientB = a.Factory.CreateJobManagerClient(new FlinkEndpoint(b.JobManager.BaseUrl));
        await a.FakeJobManager.StopAsync();

        var healthA = await a.JobManager.ProbeAsync(a.Ct);
        var healthB = await clientB.ProbeAsync(a.Ct);

        Assert.Equal(FlinkClusterStatus.Unreachable, healthA.Status);
        Assert.Equal((FlinkClusterStatus.Healthy, "1.20.1"), (healthB.Status, healthB.FlinkVersion));
    }

    [Fact]
    public async Task A_repeated_savepoint_trigger_with_the_same_id_starts_one_operation()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        var id = FlinkJobId.Parse(h.FakeJobManager.AddJob("orders").Id);
        var key = Guid.NewGuid().ToString("N");

        var first = await h.JobManager.TriggerSavepointAsync(id, null, cancelJob: false, h.Ct, triggerId: key);
        var second = await h.JobManager.TriggerSavepointAsync(id, null, cancelJob: false, h.Ct, triggerId: key);
        var done = await h.JobManager.WaitForSavepointAsync(id, key, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(5), h.Ct);

        Assert.Equal((key, key), (first, second));
        Assert.Equal(FlinkAsyncOperationState.Succeeded, done.State);
        Assert.Single(h.FakeJobManager[id.Value].Checkpoints);
        h.AssertNoViolations();
    }
}
