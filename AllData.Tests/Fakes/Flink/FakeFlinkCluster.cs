namespace AllData.Tests.Fakes.Flink;

/// <summary>One fake Flink session cluster: a JobManager and a SQL Gateway on their own loopback ports, sharing the jobs.</summary>
public sealed class FakeFlinkCluster : IAsyncDisposable
{
    private FakeFlinkCluster(FlinkSpecSet specs, TimeProvider time)
    {
        Specs = specs;
        JobManager = new FakeJobManager(specs) { Time = time };
        SqlGateway = new FakeSqlGateway(specs, JobManager) { Time = time };
    }

    public FlinkSpecSet Specs { get; }

    public FakeJobManager JobManager { get; }

    public FakeSqlGateway SqlGateway { get; }

    /// <summary>Every spec violation of both endpoints.</summary>
    public IReadOnlyList<string> Violations => [.. JobManager.Violations, .. SqlGateway.Violations];

    /// <param name="release">Whose specs to serve and check.</param>
    /// <param name="time">Clock of job timestamps (a FakeTimeProvider for tests that control time).</param>
    public static async Task<FakeFlinkCluster> StartAsync(FlinkRelease release = FlinkRelease.Master, TimeProvider? time = null)
    {
        var cluster = new FakeFlinkCluster(FlinkSpecSet.For(release), time ?? TimeProvider.System);
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
