namespace AllData.Tests.Fakes.Flink;

/// <summary>One fake Flink session cluster: a JobManager and a SQL Gateway on their own loopback ports, sharing the jobs.</summary>
public sealed class FakeFlinkCluster : IAsyncDisposable
{
    private FakeFlinkCluster(FlinkSpecSet specs)
    {
        Specs = specs;
        JobManager = new FakeJobManager(specs);
        SqlGateway = new FakeSqlGateway(specs, JobManager);
    }

    public FlinkSpecSet Specs { get; }

    public FakeJobManager JobManager { get; }

    public FakeSqlGateway SqlGateway { get; }

    /// <summary>Every spec violation of both endpoints.</summary>
    public IReadOnlyList<string> Violations => [.. JobManager.Violations, .. SqlGateway.Violations];

    public static async Task<FakeFlinkCluster> StartAsync(FlinkRelease release = FlinkRelease.Master)
    {
        var cluster = new FakeFlinkCluster(FlinkSpecSet.For(release));
        await cluster.JobManager.StartAsync();
        await cluster.SqlGateway.StartAsync();
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        await SqlGateway.DisposeAsync();
        await JobManager.DisposeAsync();
    }
}
