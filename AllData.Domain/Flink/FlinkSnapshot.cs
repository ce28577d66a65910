using AllData.Domain.Common;

namespace AllData.Domain.Flink;

public enum FlinkSnapshotKind
{
    Checkpoint,
    Savepoint,
}

/// <summary>A completed checkpoint or savepoint AllData saw for a job: something a run can be restored from.</summary>
public sealed class FlinkSnapshot : IWorkspaceOwned
{
    public const int MaxPathLength = 2000;

    private FlinkSnapshot()
    {
        FlinkJobId = string.Empty;
        Path = string.Empty;
    }

    public FlinkSnapshot(Guid workspaceId, Guid jobId, Guid? runId, string flinkJobId, FlinkSnapshotKind kind, long? checkpointId, string path,
        long stateSize, DateTimeOffset completedAt)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Length > MaxPathLength)
        {
            throw new DomainException("A savepoint or checkpoint needs its path.");
        }

        Id = Guid.CreateVersion7(completedAt);
        WorkspaceId = workspaceId;
        JobId = jobId;
        RunId = runId;
        FlinkJobId = flinkJobId;
        Kind = kind;
        CheckpointId = checkpointId;
        Path = path;
        StateSize = stateSize;
        CompletedAt = completedAt;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    /// <summary>The AllData job.</summary>
    public Guid JobId { get; private set; }

    public Guid? RunId { get; private set; }

    public string FlinkJobId { get; private set; }

    public FlinkSnapshotKind Kind { get; private set; }

    public long? CheckpointId { get; private set; }

    public string Path { get; private set; }

    public long StateSize { get; private set; }

    public DateTimeOffset CompletedAt { get; private set; }
}

public enum FlinkSavepointOperationKind
{
    Savepoint,
    StopWithSavepoint,
    StopWithSavepointAndDrain,
}

public enum FlinkSavepointOperationStatus
{
    InProgress,
    Completed,
    Failed,
    TimedOut,
}

/// <summary>An asynchronous savepoint operation on a Flink job: triggered, polled with a bound, then completed, failed or timed out.</summary>
public sealed class FlinkSavepointOperation : IWorkspaceOwned
{
    private FlinkSavepointOperation()
    {
        FlinkJobId = string.Empty;
        TriggerId = string.Empty;
    }

    public FlinkSavepointOperation(Guid workspaceId, Guid runId, string flinkJobId, FlinkSavepointOperationKind kind, string triggerId,
        string? requestedBy, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        RunId = runId;
        FlinkJobId = flinkJobId;
        Kind = kind;
        TriggerId = triggerId;
        RequestedBy = requestedBy;
        StartedAt = at;
        Status = FlinkSavepointOperationStatus.InProgress;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid RunId { get; private set; }

    public string FlinkJobId { get; private set; }

    public FlinkSavepointOperationKind Kind { get; private set; }

    public string TriggerId { get; private set; }

    public string? RequestedBy { get; private set; }

    public FlinkSavepointOperationStatus Status { get; private set; }

    public int Polls { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public string? Location { get; private set; }

    public string? Error { get; private set; }

    public void Polled() => Polls++;

    public void Complete(string location, DateTimeOffset at) => End(FlinkSavepointOperationStatus.Completed, at, location, null);

    public void Fail(string error, DateTimeOffset at) => End(FlinkSavepointOperationStatus.Failed, at, null, error);

    public void TimeOut(string error, DateTimeOffset at) => End(FlinkSavepointOperationStatus.TimedOut, at, null, error);

    private void End(FlinkSavepointOperationStatus status, DateTimeOffset at, string? location, string? error)
    {
        if (Status != FlinkSavepointOperationStatus.InProgress)
        {
            throw new DomainException($"The savepoint operation already ended ({Status}).");
        }

        Status = status;
        EndedAt = at;
        Location = location;
        Error = error is { Length: > 4000 } ? error[..4000] : error;
    }
}

/// <summary>One sample of a running Flink job's metrics at a resolution (10 s or 60 s buckets).</summary>
public sealed class FlinkMetricSample : IWorkspaceOwned
{
    private FlinkMetricSample()
    {
    }

    public FlinkMetricSample(Guid workspaceId, Guid runId, int resolutionSeconds, DateTimeOffset bucket, double recordsInPerSecond,
        double recordsOutPerSecond, double? lastCheckpointDurationMs, double? lastCheckpointSize, long failedCheckpoints, long restarts)
    {
        WorkspaceId = workspaceId;
        RunId = runId;
        ResolutionSeconds = resolutionSeconds;
        Bucket = bucket;
        RecordsInPerSecond = recordsInPerSecond;
        RecordsOutPerSecond = recordsOutPerSecond;
        LastCheckpointDurationMs = lastCheckpointDurationMs;
        LastCheckpointSize = lastCheckpointSize;
        FailedCheckpoints = failedCheckpoints;
        Restarts = restarts;
    }

    public Guid WorkspaceId { get; private set; }

    public Guid RunId { get; private set; }

    public int ResolutionSeconds { get; private set; }

    public DateTimeOffset Bucket { get; private set; }

    public double RecordsInPerSecond { get; private set; }

    public double RecordsOutPerSecond { get; private set; }

    public double? LastCheckpointDurationMs { get; private set; }

    public double? LastCheckpointSize { get; private set; }

    public long FailedCheckpoints { get; private set; }

    public long Restarts { get; private set; }
}
