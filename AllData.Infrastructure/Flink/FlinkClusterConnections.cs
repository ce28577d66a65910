using System.ComponentModel.DataAnnotations;
using AllData.Domain.Flink;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Identity;

namespace AllData.Infrastructure.Flink;

/// <summary>Intervals of the background Flink work (configuration section <c>Flink:Tracker</c>).</summary>
public sealed class FlinkTrackerOptions
{
    public const string Section = "Flink:Tracker";

    /// <summary>One <c>GET /jobs/overview</c> per cluster per interval.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the checkpoints of running jobs are read (jobs whose state changed are read at once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often every cluster's health is probed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the tracker supervisor looks for registered, changed or deleted clusters.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan ClusterRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Metric sampling of running jobs (10 s buckets are kept 6 h, 1 min buckets 7 days).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Savepoint operations are polled at this interval …</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SavepointPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>… until they complete or this passes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "06:00:00")]
    public TimeSpan SavepointTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether this instance runs the trackers, health probes and samplers at all.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>A cluster seen by background work: its ids, endpoints and decrypted auth header.</summary>
public sealed record FlinkClusterTarget(Guid Id, Guid WorkspaceId, string Name, FlinkEndpoint JobManager, FlinkEndpoint? SqlGateway);

/// <summary>The health of a cluster changed (or was probed): screens update their status chips.</summary>
public sealed record ClusterHealthChanged(Guid WorkspaceId, Guid ClusterId, FlinkClusterHealth Health) : LiveEvent(WorkspaceId);

/// <summary>Encrypts the Authorization header of clusters and turns a stored cluster into REST clients.</summary>
public sealed class FlinkClusterConnections(Secrets secrets, FlinkClientFactory clients)
{
    private const string Purpose = "AllData.Flink.ClusterAuthHeader.v1";

    public string? Protect(string? header) => string.IsNullOrWhiteSpace(header) ? null : secrets.Protect(Purpose, header.Trim());

    public FlinkClusterTarget TargetOf(FlinkCluster cluster)
    {
        var header = cluster.ProtectedAuthHeader is null ? null : secrets.Unprotect(Purpose, cluster.ProtectedAuthHeader);
        return new FlinkClusterTarget(cluster.Id, cluster.WorkspaceId, cluster.Name, new FlinkEndpoint(new Uri(cluster.JobManagerUrl), header),
            cluster.SqlGatewayUrl is null ? null : new FlinkEndpoint(new Uri(cluster.SqlGatewayUrl), header));
    }

    public FlinkJobManagerClient JobManager(FlinkClusterTarget target) => clients.CreateJobManagerClient(target.JobManager);

    public FlinkJobManagerClient JobManager(FlinkCluster cluster) => JobManager(TargetOf(cluster));

    public FlinkSqlGatewayClient SqlGateway(FlinkClusterTarget target) => clients.CreateSqlGatewayClient(
        target.SqlGateway ?? throw new Domain.Common.DomainException($"The cluster '{target.Name}' has no SQL Gateway URL: register one to run Flink SQL jobs."));
}
