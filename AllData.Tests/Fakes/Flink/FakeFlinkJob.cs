using AllData.Domain.Flink;

namespace AllData.Tests.Fakes.Flink;

public sealed record FakeVertex(string Id, string Name, int Parallelism);

public sealed record FakeJobException(string ExceptionName, string StackTrace, long Timestamp, string? TaskName);

public sealed record FakeCheckpoint(long Id, long TriggerTimestamp, long Duration, long StateSize, string? ExternalPath, bool IsSavepoint, string? FailureMessage);

/// <summary>A job on the fake cluster: its state changes on command or along a script the test advances.</summary>
public sealed class FakeFlinkJob
{
    private readonly Queue<FlinkJobState> script = new();
    private readonly Dictionary<FlinkJobState, long> timestamps = [];
    private readonly TimeProvider time;

    internal FakeFlinkJob(string id, string name, TimeProvider time, FlinkJobState state)
    {
        Id = id;
        Name = name;
        this.time = time;
        StartTime = Now;
        Vertices =
        [
            new(Hex(id, "source"), "Source: orders", 2),
            new(Hex(id, "sink"), "Sink: orders_out", 2),
        ];
        MoveTo(state);
    }

    public string Id { get; }

    public string Name { get; }

    public FlinkJobState State { get; private set; }

    /// <summary>A state string sent instead of <see cref="State"/> (a newer Flink's state, or garbage); cleared by <see cref="MoveTo"/>.</summary>
    public string? ReportedState { get; private set; }

    /// <summary>What the REST API sends as the job's state.</summary>
    public string WireState => ReportedState ?? State.ToWireName();

    /// <summary>Called when the job reaches a globally terminal state (the JobManager archives it for a History Server).</summary>
    internal Action<FakeFlinkJob>? Ended { get; set; }

    public long StartTime { get; }

    public long EndTime { get; private set; } = -1;

    public long LastModification { get; private set; }

    public IReadOnlyDictionary<FlinkJobState, long> Timestamps => timestamps;

    public IReadOnlyList<FakeVertex> Vertices { get; }

    public List<FakeJobException> Exceptions { get; } = [];

    public List<FakeCheckpoint> Checkpoints { get; } = [];

    /// <summary>Metric values per subtask, by metric id (the same for every vertex).</summary>
    public Dictionary<string, double[]> SubtaskMetrics { get; } = new()
    {
        ["numRecordsInPerSecond"] = [10, 30],
        ["numRecordsOutPerSecond"] = [8, 24],
    };

    public Dictionary<string, string> JobMetrics { get; } = new()
    {
        ["uptime"] = "120000",
        ["numRestarts"] = "0",
        ["lastCheckpointDuration"] = "340",
        ["lastCheckpointSize"] = "4096",
    };

    /// <summary>States still to come, one per <see cref="Advance"/>.</summary>
    public int ScriptLength => script.Count;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Queues states the job takes one by one on <see cref="Advance"/> (running → failing → restarting → …).</summary>
    public FakeFlinkJob Script(params FlinkJobState[] states)
    {
        foreach (var state in states)
        {
            script.Enqueue(state);
        }

        return this;
    }

    /// <summary>Takes the next scripted state; false when the script is done.</summary>
    public bool Advance()
    {
        if (!script.TryDequeue(out var next))
        {
            return false;
        }

        MoveTo(next);
        return true;
    }

    /// <summary>From now on the REST API reports <paramref name="rawState"/> as this job's state, as a Flink AllData does not know would.</summary>
    public void ReportState(string rawState) => ReportedState = rawState;

    public void MoveTo(FlinkJobState state, string? failure = null)
    {
        State = state;
        ReportedState = null;
        LastModification = Now;
        timestamps[state] = LastModification;
        if (state.IsGloballyTerminal())
        {
            EndTime = LastModification;
        }

        if (state is FlinkJobState.Failing or FlinkJobState.Failed)
        {
            Exceptions.Add(new FakeJobException(
                "java.lang.RuntimeException",
                $"java.lang.RuntimeException: {failure ?? "Source failed"}\n\tat com.example.Source.run(Source.java:42)",
                LastModification,
                Vertices[0].Name));
        }

        if (state.IsGloballyTerminal())
        {
            Ended?.Invoke(this);
        }
    }

    public FakeCheckpoint CompleteCheckpoint(bool isSavepoint = false, string? location = null)
    {
        var id = Checkpoints.Count + 1L;
        var checkpoint = new FakeCheckpoint(id, Now, 250, 4096 * id, location ?? $"file:/checkpoints/{Id}/chk-{id}", isSavepoint, null);
        Checkpoints.Add(checkpoint);
        return checkpoint;
    }

    public FakeCheckpoint FailCheckpoint(string message)
    {
        var checkpoint = new FakeCheckpoint(Checkpoints.Count + 1L, Now, 0, 0, null, false, message);
        Checkpoints.Add(checkpoint);
        return checkpoint;
    }

    private static string Hex(string seed, string name) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed + name)))[..32];
}
