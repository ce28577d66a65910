using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AllData.Domain.Common;

namespace AllData.Domain.Flink;

public enum FlinkCheckpointMode
{
    ExactlyOnce,
    AtLeastOnce,
}

public enum FlinkRestartStrategy
{
    /// <summary>Whatever the cluster's configuration says.</summary>
    ClusterDefault,
    None,
    FixedDelay,
    ExponentialDelay,
}

public enum FlinkRestoreMode
{
    None,

    /// <summary>The latest completed savepoint or checkpoint AllData saw for the job.</summary>
    LatestSavepointOrCheckpoint,

    /// <summary>The path in <see cref="FlinkJobSettings.RestorePath"/>.</summary>
    ExplicitPath,
}

/// <summary>
/// How a Flink job runs: on which cluster, with which parallelism, checkpointing, restart and restore strategy, and extra
/// Flink configuration. Turned into the session / run configuration in one place: <see cref="ToFlinkConfiguration"/>.
/// </summary>
public sealed partial record FlinkJobSettings
{
    public const int MaxParallelism = 32_768;
    public const int MaxExtraEntries = 100;
    public const int MaxAutoRestarts = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Keys AllData sets itself; the extra configuration may not override them.</summary>
    private static readonly HashSet<string> ReservedKeys =
    [
        "pipeline.name", "parallelism.default", "execution.checkpointing.interval", "execution.checkpointing.mode",
        "restart-strategy.type", "execution.savepoint.path", "execution.state-recovery.path",
        "execution.savepoint.ignore-unclaimed-state", "execution.state-recovery.ignore-unclaimed-state",
    ];

    public Guid? ClusterId { get; init; }

    public int? Parallelism { get; init; }

    /// <summary>Checkpoint interval in seconds; null: checkpointing off.</summary>
    public int? CheckpointIntervalSeconds { get; init; }

    public FlinkCheckpointMode CheckpointMode { get; init; } = FlinkCheckpointMode.ExactlyOnce;

    public FlinkRestartStrategy RestartStrategy { get; init; } = FlinkRestartStrategy.ClusterDefault;

    public int RestartAttempts { get; init; } = 3;

    public int RestartDelaySeconds { get; init; } = 10;

    public FlinkRestoreMode RestoreMode { get; init; } = FlinkRestoreMode.None;

    public string? RestorePath { get; init; }

    public bool AllowNonRestoredState { get; init; }

    /// <summary>Savepoint directory for stop-with-savepoint and triggered savepoints; null: the cluster's default.</summary>
    public string? SavepointDirectory { get; init; }

    /// <summary>Resubmit from the latest checkpoint or savepoint when the job FAILED.</summary>
    public bool AutoRestart { get; init; }

    public int AutoRestartMaxAttempts { get; init; } = 3;

    public int AutoRestartWindowMinutes { get; init; } = 60;

    public int AutoRestartBackoffSeconds { get; init; } = 10;

    /// <summary>For JAR jobs: the entry class; null: the jar manifest's.</summary>
    public string? EntryClass { get; init; }

    /// <summary>For JAR jobs: the SHA-256 of the jar in the resource store.</summary>
    public string? JarSha256 { get; init; }

    public IReadOnlyDictionary<string, string> ExtraConfiguration { get; init; } = new Dictionary<string, string>();

    /// <summary>Throws a <see cref="DomainException"/> naming the first invalid setting.</summary>
    public FlinkJobSettings Validate()
    {
        if (Parallelism is < 1 or > MaxParallelism)
        {
            throw new DomainException($"Parallelism is between 1 and {MaxParallelism}.");
        }

        if (CheckpointIntervalSeconds is < 1 or > 86_400)
        {
            throw new DomainException("The checkpoint interval is between 1 second and 1 day.");
        }

        if (!Enum.IsDefined(CheckpointMode) || !Enum.IsDefined(RestartStrategy) || !Enum.IsDefined(RestoreMode))
        {
            throw new DomainException("A checkpoint mode, restart strategy or restore mode is not valid.");
        }

        if (RestartAttempts is < 0 or > 10_000 || RestartDelaySeconds is < 0 or > 86_400)
        {
            throw new DomainException("Restart attempts are between 0 and 10000, the restart delay between 0 s and 1 day.");
        }

        if (RestoreMode == FlinkRestoreMode.ExplicitPath && string.IsNullOrWhiteSpace(RestorePath))
        {
            throw new DomainException("Restoring from an explicit path needs the savepoint or checkpoint path.");
        }

        if (AutoRestartMaxAttempts is < 1 or > MaxAutoRestarts || AutoRestartWindowMinutes is < 1 or > 10_080 || AutoRestartBackoffSeconds is < 0 or > 3600)
        {
            throw new DomainException($"Auto-restart allows 1 to {MaxAutoRestarts} attempts in 1 minute to 7 days, with 0 to 3600 s backoff.");
        }

        if (ExtraConfiguration.Count > MaxExtraEntries)
        {
            throw new DomainException($"At most {MaxExtraEntries} extra configuration entries.");
        }

        foreach (var (key, value) in ExtraConfiguration)
        {
            if (!ConfigKey().IsMatch(key))
            {
                throw new DomainException($"'{key}' is not a Flink configuration key (letters, digits, '.', '-', '_', '$').");
            }

            if (ReservedKeys.Contains(key))
            {
                throw new DomainException($"'{key}' is set by the job's settings; change it there.");
            }

            if (value is null || value.Length > 4000 || value.Contains('\n', StringComparison.Ordinal))
            {
                throw new DomainException($"The value of '{key}' is one line of at most 4000 characters.");
            }
        }

        return this;
    }

    /// <summary>
    /// The Flink configuration of a submission: <c>pipeline.name</c> = the job's name, the settings above, the restore path
    /// (both the 1.20+ key and the older one, which later versions still read), then the extra entries.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToFlinkConfiguration(string pipelineName, string? restorePath)
    {
        var c = new Dictionary<string, string>(StringComparer.Ordinal) { ["pipeline.name"] = pipelineName };
        if (Parallelism is { } p)
        {
            c["parallelism.default"] = p.ToString(CultureInfo.InvariantCulture);
        }

        if (CheckpointIntervalSeconds is { } interval)
        {
            c["execution.checkpointing.interval"] = $"{interval.ToString(CultureInfo.InvariantCulture)} s";
            c["execution.checkpointing.mode"] = CheckpointMode == FlinkCheckpointMode.ExactlyOnce ? "EXACTLY_ONCE" : "AT_LEAST_ONCE";
        }

        switch (RestartStrategy)
        {
            case FlinkRestartStrategy.None:
                c["restart-strategy.type"] = "none";
                break;
            case FlinkRestartStrategy.FixedDelay:
                c["restart-strategy.type"] = "fixed-delay";
                c["restart-strategy.fixed-delay.attempts"] = RestartAttempts.ToString(CultureInfo.InvariantCulture);
                c["restart-strategy.fixed-delay.delay"] = $"{RestartDelaySeconds.ToString(CultureInfo.InvariantCulture)} s";
                break;
            case FlinkRestartStrategy.ExponentialDelay:
                c["restart-strategy.type"] = "exponential-delay";
                c["restart-strategy.exponential-delay.initial-backoff"] = $"{Math.Max(1, RestartDelaySeconds).ToString(CultureInfo.InvariantCulture)} s";
                break;
        }

        if (restorePath is not null)
        {
            c["execution.state-recovery.path"] = restorePath;
            c["execution.savepoint.path"] = restorePath;
            if (AllowNonRestoredState)
            {
                c["execution.state-recovery.ignore-unclaimed-state"] = "true";
                c["execution.savepoint.ignore-unclaimed-state"] = "true";
            }
        }

        foreach (var (key, value) in ExtraConfiguration)
        {
            c[key] = value;
        }

        return c;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static FlinkJobSettings FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new FlinkJobSettings() : JsonSerializer.Deserialize<FlinkJobSettings>(json, Json) ?? new FlinkJobSettings();

    [GeneratedRegex(@"^[A-Za-z$][A-Za-z0-9_.\-$]{0,199}$")]
    private static partial Regex ConfigKey();
}
