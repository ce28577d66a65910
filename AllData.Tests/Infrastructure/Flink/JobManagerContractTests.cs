using AllData.Domain.Flink;
using AllData.Infrastructure.Flink;
using AllData.Tests.Fakes.Flink;

namespace AllData.Tests.Infrastructure.Flink;

/// <summary>Every JobManager call the product makes, against the fake checking the 1.20, 2.0 and master specs.</summary>
public sealed class JobManagerContractTests
{
    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task Health_probe_reads_version_task_managers_and_slots(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);

        var health = await h.JobManager.ProbeAsync(h.Ct);

        Assert.Equal(FlinkClusterStatus.Healthy, health.Status);
        Assert.Equal(h.Cluster.Specs.FlinkVersion, health.FlinkVersion);
        Assert.Equal((2, 8, 6), (health.TaskManagers, health.SlotsTotal, health.SlotsAvailable));
        Assert.NotNull(health.Latency);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task Jobs_overview_lists_every_job_with_its_state_in_one_call(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        var running = h.FakeJobManager.AddJob("orders", FlinkJobState.Running);
        var failed = h.FakeJobManager.AddJob("payments", FlinkJobState.Failed);

        var jobs = await h.JobManager.GetJobsOverviewAsync(h.Ct);

        Assert.Equal(
            [(running.Id, "orders", FlinkJobState.Running), (failed.Id, "payments", FlinkJobState.Failed)],
            jobs.Select(j => (j.Id.Value, j.Name, j.State)).OrderBy(j => j.Name));
        Assert.NotNull(jobs.Single(j => j.Name == "payments").EndTime);
        Assert.Null(jobs.Single(j => j.Name == "orders").EndTime);
        Assert.Equal(1, h.FakeJobManager.RequestCount("GET /jobs/overview"));
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task Job_details_exceptions_and_checkpoints_are_read(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        var job = h.FakeJobManager.AddJob("orders");
        job.CompleteCheckpoint();
        job.FailCheckpoint("Checkpoint expired before completing.");
        job.MoveTo(FlinkJobState.Failing, "Kafka broker gone");
        var id = FlinkJobId.Parse(job.Id);

        var details = await h.JobManager.GetJobAsync(id, h.Ct);
        var exceptions = await h.JobManager.GetJobExceptionsAsync(id, 10, h.Ct);
        var checkpoints = await h.JobManager.GetCheckpointsAsync(id, h.Ct);

        Assert.Equal(FlinkJobState.Failing, details.State);
        Assert.Equal(2, details.Vertices.Count);
        Assert.True(details.StateEnteredAt.ContainsKey(FlinkJobState.Running));
        Assert.Contains("Kafka broker gone", Assert.Single(exceptions.Entries).StackTrace);
        Assert.Equal((2L, 1L, 1L), (checkpoints.Counts.Total, checkpoints.Counts.Completed, checkpoints.Counts.Failed));
        Assert.Equal($"file:/checkpoints/{job.Id}/chk-1", checkpoints.LatestCompleted?.ExternalPath);
        Assert.Equal("Checkpoint expired before completing.", checkpoints.LatestFailed?.FailureMessage);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task Cancel_is_a_patch_with_mode_cancel(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        var job = h.FakeJobManager.AddJob("orders");

        await h.JobManager.CancelJobAsync(FlinkJobId.Parse(job.Id), h.Ct);

        Assert.Equal(FlinkJobState.Canceled, job.State);
        Assert.Equal(1, h.FakeJobManager.RequestCount("PATCH /jobs/{jobid}"));
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task Savepoint_is_triggered_and_polled_to_its_location(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        var job = h.FakeJobManager.AddJob("orders");
        var id = FlinkJobId.Parse(job.Id);

        var trigger = await h.JobManager.TriggerSavepointAsync(id, "s3://bucket/savepoints", cancelJob: false, h.Ct);
        var first = await h.JobManager.GetSavepointStatusAsync(id, trigger, h.Ct);
        var done = await h.JobManager.WaitForSavepointAsync(id, trigger, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(5), h.Ct);

        Assert.Equal(FlinkAsyncOperationState.InProgress, first.State);
        Assert.Equal(FlinkAsyncOperationState.Succeeded, done.State);
        Assert.StartsWith("s3://bucket/savepoints/savepoint-", done.Location);
        Assert.Equal(FlinkJobState.Running, job.State);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task Stop_with_savepoint_finishes_the_job(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        var job = h.FakeJobManager.AddJob("orders");
        var id = FlinkJobId.Parse(job.Id);

        var trigger = await h.JobManager.StopWithSavepointAsync(id, "file:/sp", drain: true, h.Ct);
        var done = await h.JobManager.WaitForSavepointAsync(id, trigger, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(5), h.Ct);

        Assert.Equal(FlinkAsyncOperationState.Succeeded, done.State);
        Assert.Equal(FlinkJobState.Finished, job.State);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task A_failed_savepoint_reports_its_cause(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        h.FakeJobManager.SavepointOutcome = FakeSavepointOutcome.Fail;
        h.FakeJobManager.SavepointPollsInProgress = 0;
        var id = FlinkJobId.Parse(h.FakeJobManager.AddJob("orders").Id);

        var trigger = await h.JobManager.TriggerSavepointAsync(id, null, cancelJob: false, h.Ct);
        var status = await h.JobManager.GetSavepointStatusAsync(id, trigger, h.Ct);

        Assert.Equal(FlinkAsyncOperationState.Failed, status.State);
        Assert.Equal("org.apache.flink.runtime.checkpoint.CheckpointException", status.FailureClass);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task Jar_is_uploaded_as_multipart_listed_run_and_deleted(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        byte[] content = [0x50, 0x4b, 0x03, 0x04, 1, 2, 3];

        var upload = await h.JobManager.UploadJarAsync(new MemoryStream(content), "streaming-job.jar", h.Ct);
        var stored = Assert.Single(h.FakeJobManager.Jars);
        var listed = await h.JobManager.GetJarsAsync(h.Ct);
        var fixedId = FlinkJobId.NewId();
        var jobId = await h.JobManager.RunJarAsync(
            upload.JarId,
            new FlinkJarRunRequest("com.example.StreamingJob", ["--topic", "orders"], 2, fixedId, "file:/sp/1", true, FlinkClaimMode.NoClaim,
                new Dictionary<string, string> { ["pipeline.name"] = "orders" }),
            h.Ct);
        await h.JobManager.DeleteJarAsync(upload.JarId, h.Ct);

        Assert.EndsWith("_streaming-job.jar", upload.JarId);
        Assert.Equal(content, stored.Content);
        Assert.Equal("streaming-job.jar", stored.Name);
        Assert.Empty(h.FakeJobManager.Jars);
        Assert.Equal(upload.JarId, Assert.Single(listed).Id);
        Assert.Equal(fixedId, jobId);
        Assert.Equal(FlinkJobState.Running, h.FakeJobManager[fixedId.Value].State);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task Vertex_metrics_are_aggregated_over_subtasks_and_job_metrics_read(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        var job = h.FakeJobManager.AddJob("orders");
        var id = FlinkJobId.Parse(job.Id);

        var vertex = (await h.JobManager.GetJobAsync(id, h.Ct)).Vertices[0];
        var aggregated = await h.JobManager.GetVertexMetricsAsync(
            id, vertex.Id, ["numRecordsInPerSecond", "numRecordsOutPerSecond"], [FlinkMetricAggregation.Sum, FlinkMetricAggregation.Max], h.Ct);
        var jobMetrics = await h.JobManager.GetJobMetricsAsync(id, ["uptime", "numRestarts"], h.Ct);

        var recordsIn = aggregated.Single(m => m.Id == "numRecordsInPerSecond");
        Assert.Equal((40d, 30d), (recordsIn.Sum, recordsIn.Max));
        Assert.Null(recordsIn.Avg);
        Assert.Equal("0", jobMetrics.Single(m => m.Id == "numRestarts").Value);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task Job_manager_and_task_manager_logs_are_listed_and_read_as_text(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);

        var jmFiles = await h.JobManager.GetJobManagerLogsAsync(h.Ct);
        var jmLog = await h.JobManager.ReadLogAsync(FlinkLogSource.JobManagerFile("jobmanager.log"), 0, 64 * 1024, h.Ct);
        var jmMain = await h.JobManager.ReadLogAsync(FlinkLogSource.JobManagerLog, 0, 64 * 1024, h.Ct);
        var jmOut = await h.JobManager.ReadLogAsync(FlinkLogSource.JobManagerStdout, 0, 64 * 1024, h.Ct);
        var taskManager = (await h.JobManager.GetTaskManagersAsync(h.Ct))[0];
        var tmFiles = await h.JobManager.GetTaskManagerLogsAsync(taskManager.Id, h.Ct);
        var tmLog = await h.JobManager.ReadLogAsync(FlinkLogSource.TaskManagerLog(taskManager.Id), 0, 64 * 1024, h.Ct);
        var tmFile = await h.JobManager.ReadLogAsync(FlinkLogSource.TaskManagerFile(taskManager.Id, "taskmanager.out"), 0, 64 * 1024, h.Ct);
        var tmOut = await h.JobManager.ReadLogAsync(FlinkLogSource.TaskManagerStdout(taskManager.Id), 0, 64 * 1024, h.Ct);

        Assert.Equal(["jobmanager.log", "jobmanager.out"], jmFiles.Select(f => f.Name).Order());
        Assert.Contains("Dispatcher - Ready", jmLog.Text);
        Assert.Equal(jmLog.Text, jmMain.Text);
        Assert.Equal("stdout line\n", jmOut.Text);
        Assert.Equal("172.18.0.5:36635-0b1f6c", taskManager.Id);
        Assert.Equal((4, 2), (taskManager.SlotsTotal, taskManager.SlotsFree));
        Assert.Contains(tmFiles, f => f.Name == "taskmanager.log");
        Assert.Contains("Registered at the JobManager", tmLog.Text);
        Assert.Equal("tm stdout\n", tmFile.Text);
        Assert.Equal(tmFile.Text, tmOut.Text);
        h.AssertNoViolations();
    }
}
