using AllData.Infrastructure.Flink;
using AllData.Tests.Fakes.Flink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.Infrastructure.Flink;

/// <summary>A fake Flink cluster and the product's clients wired through <c>AddAllDataFlink</c>, as the app does.</summary>
public sealed class FlinkClientHarness : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private FlinkClientHarness(FakeFlinkCluster cluster, ServiceProvider services)
    {
        Cluster = cluster;
        this.services = services;
        Factory = services.GetRequiredService<FlinkClientFactory>();
        JobManager = Factory.CreateJobManagerClient(new FlinkEndpoint(cluster.JobManager.BaseUrl));
        SqlGateway = Factory.CreateSqlGatewayClient(new FlinkEndpoint(cluster.SqlGateway.BaseUrl));
    }

    /// <summary>The releases whose specs every contract test runs against.</summary>
    public static TheoryData<FlinkRelease> Releases => [FlinkRelease.Flink1_20, FlinkRelease.Flink2_0, FlinkRelease.Master];

    public FakeFlinkCluster Cluster { get; }

    public FakeJobManager FakeJobManager => Cluster.JobManager;

    public FakeSqlGateway FakeSqlGateway => Cluster.SqlGateway;

    public FlinkClientFactory Factory { get; }

    public FlinkJobManagerClient JobManager { get; }

    public FlinkSqlGatewayClient SqlGateway { get; }

    private readonly CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));

    /// <summary>Bounds every call of a test, so a hang fails instead of blocking the run.</summary>
    public CancellationToken Ct => timeout.Token;

    public static async Task<FlinkClientHarness> StartAsync(FlinkRelease release = FlinkRelease.Master, Action<FlinkClientOptions>? configure = null)
    {
        var cluster = await FakeFlinkCluster.StartAsync(release);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddAllDataFlink(o =>
            {
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                o.AttemptTimeout = TimeSpan.FromSeconds(5);
                o.TotalTimeout = TimeSpan.FromSeconds(10);
                configure?.Invoke(o);
            })
            .BuildServiceProvider();
        return new FlinkClientHarness(cluster, services);
    }

    /// <summary>Fails with the list of violations when any request or answer broke the spec.</summary>
    public void AssertNoViolations()
    {
        var violations = Cluster.Violations;
        Assert.True(violations.Count == 0, "Spec violations:\n" + string.Join("\n", violations));
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        timeout.Dispose();
        await Cluster.DisposeAsync();
    }
}
