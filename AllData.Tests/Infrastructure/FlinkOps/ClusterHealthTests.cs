using System.Net;
using System.Net.Sockets;
using AllData.Domain.Flink;
using AllData.Infrastructure.Flink;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.Infrastructure.FlinkOps;

/// <summary>Health probes of several clusters: one that hangs must not hold back the others.</summary>
public sealed class ClusterHealthTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_cluster_that_never_answers_does_not_delay_the_health_of_the_others_nor_get_probed_twice_at_once()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        // A "JobManager" that accepts connections and never answers (until the client's timeout).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    accepted.Add(await silent.AcceptTcpClientAsync());
                }
                catch (Exception e) when (e is ObjectDisposedException or SocketException)
                {
                    return;
                }
            }
        });
        var hung = await host.With<FlinkClusterService, Guid>(s => s.CreateAsync(new FlinkClusterInput
        {
            Name = "silent", JobManagerUrl = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/",
        }, host.Ct));
        var monitor = ActivatorUtilities.CreateInstance<ClusterHealthMonitor>(host.Services);

        Assert.Equal(2, await monitor.StartProbesAsync(host.Ct));
        async Task<FlinkClusterStatus?> StatusOf(Guid id)
        {
            await using var db = database.CreateContext(host.WorkspaceId);
            return await db.Set<FlinkCluster>().Where(c => c.Id == id).Select(c => c.HealthStatus).SingleAsync();
        }

        // The answering cluster is healthy within moments, while the silent one's probe is still waiting.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (await StatusOf(host.ClusterId) != FlinkClusterStatus.Healthy && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.Equal(FlinkClusterStatus.Healthy, await StatusOf(host.ClusterId));
        Assert.True(monitor.IsProbing(hung));
        Assert.Null(await StatusOf(hung));

        // The next tick probes the answering cluster again, and leaves the one still in flight alone.
        while (monitor.IsProbing(host.ClusterId))
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, await monitor.StartProbesAsync(host.Ct));
        silent.Stop();
        foreach (var client in accepted)
        {
            client.Dispose();
        }
    }
}
