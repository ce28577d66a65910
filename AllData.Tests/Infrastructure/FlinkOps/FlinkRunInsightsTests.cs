using AllData.Domain.Flink;
using AllData.Infrastructure.Flink;
using AllData.Tests.Fixtures;

namespace AllData.Tests.Infrastructure.FlinkOps;

public sealed class FlinkRunInsightsTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Graph_lists_the_job_vertices_in_topological_order()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync("INSERT INTO sink SELECT 1;");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, host.Flink.JobManager.AddJob("orders_enriched"));

        var graph = await host.With<FlinkRunInsights, FlinkRunGraph>(i => i.GetGraphAsync(runId, host.Ct));

        Assert.Equal(FlinkInsightProblem.None, graph.Problem);
        Assert.Equal(FlinkJobState.Running, graph.JobState);
        Assert.Equal(["Source: orders", "Sink: orders_out"], graph.Vertices.Select(v => v.Name));
        Assert.All(graph.Vertices, v => Assert.Equal(2, v.Parallelism));
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task Exceptions_put_the_newest_failure_first_as_root_cause()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync("INSERT INTO sink SELECT 1;");
        var job = host.Flink.JobManager.AddJob("orders_enriched");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, job);
        job.MoveTo(FlinkJobState.Failing, "first failure");
        job.MoveTo(FlinkJobState.Running);
        job.MoveTo(FlinkJobState.Failing, "second failure");

        var exceptions = await host.With<FlinkRunInsights, FlinkRunExceptions>(i => i.GetExceptionsAsync(runId, host.Ct));

        Assert.Equal(FlinkInsightProblem.None, exceptions.Problem);
        Assert.Contains("second failure", exceptions.RootCause?.StackTrace, StringComparison.Ordinal);
        var earlier = Assert.Single(exceptions.History);
        Assert.Contains("first failure", earlier.StackTrace, StringComparison.Ordinal);
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task A_cluster_that_does_not_answer_is_reported_as_unreachable_by_both_tabs()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, versionId) = await host.CreateSqlJobAsync("INSERT INTO sink SELECT 1;");
        var runId = await host.CreateTrackedRunAsync(jobId, versionId, host.Flink.JobManager.AddJob("orders_enriched"));
        await host.Flink.JobManager.StopAsync();

        var graph = await host.With<FlinkRunInsights, FlinkRunGraph>(i => i.GetGraphAsync(runId, host.Ct));
        var exceptions = await host.With<FlinkRunInsights, FlinkRunExceptions>(i => i.GetExceptionsAsync(runId, host.Ct));

        Assert.Equal(FlinkInsightProblem.ClusterUnreachable, graph.Problem);
        Assert.Empty(graph.Vertices);
        Assert.Equal(FlinkInsightProblem.ClusterUnreachable, exceptions.Problem);
        Assert.Null(exceptions.RootCause);
    }

    [Fact]
    public async Task An_unknown_run_is_reported_as_not_found()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);

        var graph = await host.With<FlinkRunInsights, FlinkRunGraph>(i => i.GetGraphAsync(Guid.NewGuid(), host.Ct));

        Assert.Equal(FlinkInsightProblem.RunNotFound, graph.Problem);
    }
}
