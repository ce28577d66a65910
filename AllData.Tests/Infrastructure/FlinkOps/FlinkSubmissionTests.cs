using AllData.Domain.Flink;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Studio;
using AllData.Infrastructure.Flink;
using AllData.Infrastructure.Operations;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace AllData.Tests.Infrastructure.FlinkOps;

public sealed class FlinkSubmissionTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Retried_submission_attaches_the_job_an_earlier_attempt_started_instead_of_submitting_again()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync("INSERT INTO sink SELECT 1;");
        var recorder = host.Get<RunRecorder>();
        var run = await recorder.CreateAsync(new JobRun(host.WorkspaceId, jobId, versionId, RunTrigger.Manual, "tester", RunEngine.FlinkSql,
            TimeProvider.System.GetUtcNow()), host.Ct);
        await recorder.TransitionAsync(run.Id, (r, at) =>
        {
            r.BeginFlinkSubmission(host.ClusterId, at);
            r.MarkSubmitting(at);
        }, host.Ct);
        var lost = host.Flink.JobManager.AddJob("orders_enriched");   // the first attempt's job, whose id never came back

        var outcome = await host.Get<FlinkSqlJobEngine>().ExecuteAsync(await ContextAsync(host, run.Id, jobId, versionId), new RunReporter(recorder, host.WorkspaceId, run.Id, []), host.Ct);

        Assert.Equal(EngineOutcomeKind.HandedOver, outcome.Kind);
        Assert.Equal(lost.Id, (await host.RunAsync(run.Id)).FlinkJobId);
        Assert.Empty(host.Flink.SqlGateway.Statements);
        Assert.Single(host.Flink.JobManager.Jobs);
    }

    [Fact]
    public void Settings_reject_keys_they_own_and_map_restore_and_checkpointing_to_flink_keys()
    {
        var settings = new FlinkJobSettings { Parallelism = 4, CheckpointIntervalSeconds = 60, CheckpointMode = FlinkCheckpointMode.AtLeastOnce, AllowNonRestoredState = true };

        var configuration = settings.ToFlinkConfiguration("orders", "s3://sp/savepoint-1");

        Assert.Equal("orders", configuration["pipeline.name"]);
        Assert.Equal("4", configuration["parallelism.default"]);
        Assert.Equal("AT_LEAST_ONCE", configuration["execution.checkpointing.mode"]);
        Assert.Equal("s3://sp/savepoint-1", configuration["execution.state-recovery.path"]);
        Assert.Equal("true", configuration["execution.state-recovery.ignore-unclaimed-state"]);
        var error = Assert.Throws<AllData.Domain.Common.DomainException>(() =>
            (settings with { ExtraConfiguration = new Dictionary<string, string> { ["pipeline.name"] = "x" } }).Validate());
        Assert.Contains("pipeline.name", error.Message, StringComparison.Ordinal);
    }

    private static async Task<RunContext> ContextAsync(FlinkOpsHost host, Guid runId, Guid jobId, Guid versionId)
    {
        await using var db = host.Database.CreateContext(host.WorkspaceId);
        var job = await db.Set<Job>().AsNoTracking().FirstAsync(j => j.Id == jobId);
        var script = SqlScript.Parse(job.DraftSql, SqlDialect.FlinkSql);
        var settingsJson = job.SettingsSnapshot();
        return new RunContext(runId, host.WorkspaceId, job, versionId, RunTrigger.Manual, "tester", script, script.Statements,
            new Dictionary<string, string>(), JobSettingsSnapshot.FromJson(settingsJson), settingsJson, []);
    }
}
