using AllData.Domain.Flink;
using AllData.Infrastructure.Flink;
using AllData.Tests.Fixtures;

namespace AllData.Tests.Infrastructure.FlinkOps;

public sealed class FlinkLogsAndMetricsTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Log_tail_returns_only_lines_appended_since_the_offset()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync("INSERT INTO sink SELECT 1;");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, host.Flink.JobManager.AddJob("orders_enriched"));
        host.Flink.JobManager.JobManagerLogFiles["jobmanager.log"] = "first\nsecond\n";

        var first = await host.With<FlinkLogTail, FlinkLogTailResult>(t => t.ReadAsync(runId, "jobmanager/log", 0, ct: host.Ct));
        host.Flink.JobManager.JobManagerLogFiles["jobmanager.log"] = "first\nsecond\nthird\n";
        var next = await host.With<FlinkLogTail, FlinkLogTailResult>(t => t.ReadAsync(runId, "jobmanager/log", first.NextOffset, ct: host.Ct));

        Assert.Equal(["first", "second"], first.Lines);
        Assert.Equal(["third"], next.Lines);
        var sources = await host.With<FlinkLogTail, IReadOnlyList<FlinkLogSourceInfo>>(t => t.ListSourcesAsync(runId, host.Ct));
        Assert.Contains(sources, s => s.Key.StartsWith("taskmanager:", StringComparison.Ordinal) && s.Key.EndsWith("/stdout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Running_jobs_are_sampled_at_both_resolutions()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync("INSERT INTO sink SELECT 1;");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, host.Flink.JobManager.AddJob("orders_enriched"));
        await using var tracker = host.CreateTracker();
        await tracker.TickAsync(host.Ct);

        Assert.Equal(1, await host.Get<FlinkMetricSampler>().SampleAllAsync(host.Ct));

        var samples = await host.With<FlinkJobOperations, IReadOnlyList<FlinkMetricSample>>(o => o.GetMetricSamplesAsync(runId, TimeProvider.System.GetUtcNow().AddHours(-1), host.Ct));
        var sample = Assert.Single(samples);
        Assert.True(sample.RecordsInPerSecond > 0);
        Assert.Empty(host.Flink.Violations);
    }
}
