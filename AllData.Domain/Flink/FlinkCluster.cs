using AllData.Domain.Common;

namespace AllData.Domain.Flink;

/// <summary>
/// A Flink session cluster registered in a workspace: where its JobManager (and optionally its SQL Gateway) answers,
/// the encrypted Authorization header value, and the latest health the monitor saw.
/// </summary>
public sealed class FlinkCluster : IWorkspaceOwned
{
    public const int MaxNameLength = 100;
    public const int MaxUrlLength = 500;
    public const int MaxErrorLength = 2000;

    private FlinkCluster()
    {
        Name = string.Empty;
        JobManagerUrl = string.Empty;
    }

    public FlinkCluster(Guid workspaceId, string name, string jobManagerUrl, string? sqlGatewayUrl, string? protectedAuthHeader, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        CreatedAt = at;
        Name = string.Empty;
        JobManagerUrl = string.Empty;
        Change(name, jobManagerUrl, sqlGatewayUrl, at);
        ProtectedAuthHeader = protectedAuthHeader;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    /// <summary>The JobManager REST endpoint (http or https), e.g. <c>https://flink.example:8081/</c>.</summary>
    public string JobManagerUrl { get; private set; }

    /// <summary>The SQL Gateway REST endpoint; null: the cluster runs no Flink SQL jobs.</summary>
    public string? SqlGatewayUrl { get; private set; }

    /// <summary>
    /// The Flink History Server of the cluster (optional). When the JobManager no longer knows a job (its job store expired it,
    /// or it restarted without high availability), the tracker asks here how the job ended before giving up.
    /// </summary>
    public string? HistoryServerUrl { get; private set; }

    /// <summary>The Authorization header value, encrypted; never shown back.</summary>
    public string? ProtectedAuthHeader { get; private set; }

    public bool HasAuthHeader => ProtectedAuthHeader is not null;

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public FlinkClusterStatus? HealthStatus { get; private set; }

    public DateTimeOffset? HealthCheckedAt { get; private set; }

    public double? HealthLatencyMs { get; private set; }

    public string? FlinkVersion { get; private set; }

    public int TaskManagers { get; private set; }

    public int SlotsTotal { get; private set; }

    public int SlotsAvailable { get; private set; }

    public int JobsRunning { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>When the last error was seen (kept after the cluster is healthy again).</summary>
    public DateTimeOffset? LastErrorAt { get; private set; }

    public void Change(string name, string jobManagerUrl, string? sqlGatewayUrl, DateTimeOffset at)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new DomainException($"A cluster name has 1 to {MaxNameLength} characters.");
        }

        Name = trimmed;
        JobManagerUrl = ValidateUrl(jobManagerUrl, "JobManager REST URL") ?? throw new DomainException("The JobManager REST URL is required.");
        SqlGatewayUrl = ValidateUrl(sqlGatewayUrl, "SQL Gateway URL");
        UpdatedAt = at;
    }

    /// <summary>Sets or (empty) removes the History Server URL.</summary>
    public void ChangeHistoryServer(string? historyServerUrl, DateTimeOffset at)
    {
        HistoryServerUrl = ValidateUrl(historyServerUrl, "History Server URL");
        UpdatedAt = at;
    }

    /// <summary>Replaces the encrypted Authorization header; null removes it.</summary>
    public void ChangeAuthHeader(string? protectedAuthHeader, DateTimeOffset at)
    {
        ProtectedAuthHeader = string.IsNullOrEmpty(protectedAuthHeader) ? null : protectedAuthHeader;
        UpdatedAt = at;
    }

    /// <summary>Stores a probe's result; returns true when the status changed.</summary>
    public bool RecordHealth(FlinkClusterHealth health)
    {
        var changed = HealthStatus != health.Status;
        HealthStatus = health.Status;
        HealthCheckedAt = health.CheckedAt;
        HealthLatencyMs = health.Latency?.TotalMilliseconds;
        if (health.Status == FlinkClusterStatus.Healthy)
        {
            FlinkVersion = health.FlinkVersion ?? FlinkVersion;
            TaskManagers = health.TaskManagers;
            SlotsTotal = health.SlotsTotal;
            SlotsAvailable = health.SlotsAvailable;
            JobsRunning = health.JobsRunning;
        }
        else
        {
            LastError = health.LastError is { Length: > MaxErrorLength } e ? e[..MaxErrorLength] : health.LastError;
            LastErrorAt = health.CheckedAt;
        }

        return changed;
    }

    /// <summary>Checks an http(s) URL; empty means none.</summary>
    public static string? ValidateUrl(string? url, string what)
    {
        var trimmed = url?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > MaxUrlLength || !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new DomainException($"The {what} must be an absolute http:// or https:// URL.");
        }

        return uri.AbsoluteUri;
    }
}
