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

    /// <summary>The cluster's History Server, archiving every job that ends; null unless started with one.</summary>
    public FakeHistoryServer? HistoryServer { get; private set; }

    /// <summary>Every spec violation of all endpoints.</summary>
    public IReadOnlyList<string> Violations => [.. JobManager.Violations, .. SqlGateway.Violations, .. HistoryServer?.Violations ?? []];

    /// <param name="release">Whose specs to serve and check.</param>
    /// <param name="time">Clock of job timestamps (a FakeTimeProvider for tests that control time).</param>
    /// <param name="historyServer">Whether a History Server archives the jobs that end.</param>
    public static async Task<FakeFlinkCluster> StartAsync(FlinkRelease release = FlinkRelease.Master, TimeProvider? time = null, bool historyServer = false)
    {
        var cluster = new FakeFlinkCluster(FlinkSpecSet.For(release), time ?? TimeProvider.System);
        await cluster.JobManager.StartAsync();
        await cluster.SqlGateway.StartAsync();
        if (historyServer)
        {
            cluster.HistoryServer = new FakeHistoryServer(cluster.JobManager) { Time = cluster.JobManager.Time };
            cluster.JobManager.ArchiveTo = cluster.HistoryServer;
            await cluster.HistoryServer.StartAsync();
        }

        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        if (HistoryServer is not null)
        {
            await HistoryServer.DisposeAsync();
        }

        await SqlGateway.DisposeAsync();
        await JobManager.DisposeAsync();
    }
}
