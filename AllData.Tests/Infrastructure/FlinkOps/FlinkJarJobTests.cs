using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Flink;
using AllData.Infrastructure.Operations;
using AllData.Tests.Fixtures;

namespace AllData.Tests.Infrastructure.FlinkOps;

public sealed class FlinkJarJobTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Jar_is_uploaded_to_the_cluster_once_per_content_and_each_run_is_tracked()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var store = host.Get<FlinkJarStore>();
        var bytes = "PK\u0003\u0004 a jar"u8.ToArray();
        var jar = await store.SaveAsync(new MemoryStream(bytes), "wordcount.jar", host.Ct);
        Assert.Equal(jar, await store.SaveAsync(new MemoryStream(bytes), "again.jar", host.Ct));
        var (jobId, versionId) = await host.CreateSqlJobAsync("--input\ns3://bucket/in", s => s with { JarSha256 = jar.Sha256, EntryClass = "com.example.WordCount" },
            "wordcount", JobType.FlinkJar);
        var orchestrator = host.Get<RunOrchestrator>();

        var runs = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            var started = await orchestrator.StartAsync(new RunStart(host.WorkspaceId, "tester", new StartRunRequest(jobId, RunTrigger.Manual) { VersionId = versionId }), host.Ct);
            await orchestrator.WhenEndedAsync(started.RunId);
            runs.Add(started.RunId);
        }

        Assert.Equal(1, host.Flink.JobManager.RequestCount("POST /jars/upload"));
        Assert.Equal(2, host.Flink.JobManager.RequestCount("POST /jars/{jarid}/run"));
        await using var tracker = host.CreateTracker();
        await tracker.TickAsync(host.Ct);
        foreach (var runId in runs)
        {
            var run = await host.RunAsync(runId);
            Assert.Equal(RunStatus.Running, run.Status);
            Assert.Equal(runId.ToString("N"), run.FlinkJobId);
        }

        Assert.Empty(host.Flink.Violations);
    }
}
