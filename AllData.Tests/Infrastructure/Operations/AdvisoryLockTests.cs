using AllData.Infrastructure.Flink;
using AllData.Infrastructure.Flink.Tracking;
using AllData.Infrastructure.Persistence;
using AllData.Tests.Fixtures;
using AllData.Tests.Infrastructure.Studio;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.Infrastructure.Operations;

/// <summary>The one lock helper that makes one instance of several do a piece of background work.</summary>
public sealed class AdvisoryLockTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Of_two_instances_only_one_holds_a_lock_until_it_releases_it()
    {
        using var a = new StudioHost(fixture);
        using var b = new StudioHost(fixture);
        await using var first = a.Services.GetRequiredService<AdvisoryLocks>().Create(ClusterHealthMonitor.LockKey, "health a");
        await using var second = b.Services.GetRequiredService<AdvisoryLocks>().Create(ClusterHealthMonitor.LockKey, "health b");

        Assert.True(await first.TryAcquireAsync(CancellationToken.None));
        Assert.False(await second.TryAcquireAsync(CancellationToken.None));
        Assert.True(await first.TryAcquireAsync(CancellationToken.None));

        await first.ReleaseAsync();
        Assert.True(await second.TryAcquireAsync(CancellationToken.None));
        Assert.False(await first.TryAcquireAsync(CancellationToken.None));
    }

    [Fact]
    public void Tracking_health_and_sampling_of_a_cluster_take_different_locks()
    {
        var cluster = Guid.NewGuid();
        long[] keys = [ClusterTracker.LockKey(cluster), ClusterHealthMonitor.LockKey, FlinkMetricSampler.LockKey, AdvisoryLock.KeyOf(cluster, "other")];

        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal(AdvisoryLock.KeyOf(cluster, "other"), AdvisoryLock.KeyOf(cluster, "other"));
    }
}
