using System.Text.Json;
using AllData.Domain.Common;

namespace AllData.Domain.Jobs;

/// <summary>
/// A job of the studio: its draft text, settings and variables. Every change goes through a method that bumps
/// <see cref="Version"/>; a save carries the version it was based on and is refused when someone saved since.
/// </summary>
public sealed class Job : IWorkspaceOwned
{
    public const int DefaultRowCap = 10_000;
    public const int MaxRowCap = 1_000_000;
    public const int MaxTimeoutSeconds = 7 * 24 * 3600;
    public const int MaxSqlLength = 1_000_000;
    public const int MaxUserLength = 200;

    private Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    private Job()
    {
        Name = string.Empty;
        DraftSql = string.Empty;
        CreatedBy = string.Empty;
        UpdatedBy = string.Empty;
    }

    public Job(Guid workspaceId, string name, Guid? folderId, JobType type, string by, DateTimeOffset at)
    {
        if (!Enum.IsDefined(type))
        {
            throw new DomainException($"'{type}' is not a job type.");
        }

        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        Name = JobNames.ValidateName(name, "job");
        FolderId = folderId;
        Type = type;
        DraftSql = string.Empty;
        RowCap = DefaultRowCap;
        Version = 1;
        CreatedBy = Clip(by);
        CreatedAt = at;
        UpdatedBy = CreatedBy;
        UpdatedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    /// <summary>The folder; null: at the root of the tree.</summary>
    public Guid? FolderId { get; private set; }

    public JobType Type { get; private set; }

    /// <summary>The draft text the studio edits; runs from the studio use it, schedules use a published version.</summary>
    public string DraftSql { get; private set; }

    /// <summary>For Database SQL jobs: the data source it runs on.</summary>
    public Guid? DataSourceId { get; private set; }

    /// <summary>For Database SQL jobs: the whole run's time limit; null: none.</summary>
    public int? TimeoutSeconds { get; private set; }

    /// <summary>For Database SQL jobs: rows kept per result set shown in the studio.</summary>
    public int RowCap { get; private set; }

    /// <summary>Job variables (name → value); they override workspace variables of the same name.</summary>
    public IReadOnlyDictionary<string, string> Variables => _variables;

    /// <summary>For Flink jobs: <see cref="Flink.FlinkJobSettings"/> as JSON; null: defaults.</summary>
    public string? FlinkSettingsJson { get; private set; }

    public Flink.FlinkJobSettings FlinkSettings => Flink.FlinkJobSettings.FromJson(FlinkSettingsJson);

    /// <summary>Bumped by every change; the optimistic-concurrency token.</summary>
    public int Version { get; private set; }

    /// <summary>The number of the latest published version; 0 before the first publish.</summary>
    public int LatestVersionNumber { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string UpdatedBy { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public TimeSpan? Timeout => TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null;

    public void Rename(string name, string by, DateTimeOffset at)
    {
        Name = JobNames.ValidateName(name, "job");
        Touch(by, at);
    }

    public void MoveTo(Guid? folderId, string by, DateTimeOffset at)
    {
        FolderId = folderId;
        Touch(by, at);
    }

    /// <summary>Saves the draft text, refused when <paramref name="basedOnVersion"/> is not the current version.</summary>
    public void SaveDraft(string sql, int basedOnVersion, string by, DateTimeOffset at)
    {
        EnsureVersion(basedOnVersion);
        DraftSql = ValidateSql(sql);
        Touch(by, at);
    }

    /// <summary>
    /// The studio's Save: text, database settings and variables in one change (one version bump), refused when
    /// <paramref name="basedOnVersion"/> is not the current version. Nothing changes unless everything is valid.
    /// </summary>
    public void Edit(string sql, Guid? dataSourceId, int? timeoutSeconds, int rowCap, IEnumerable<KeyValuePair<string, string>> variables,
        int basedOnVersion, string by, DateTimeOffset at)
    {
        EnsureVersion(basedOnVersion);
        var text = ValidateSql(sql);
        ValidateDatabaseSettings(timeoutSeconds, rowCap);
        var validVariables = ValidateVariables(variables);
        DraftSql = text;
        DataSourceId = dataSourceId;
        TimeoutSeconds = timeoutSeconds;
        RowCap = rowCap;
        _variables = validVariables;
        Touch(by, at);
    }

    /// <summary>Changes the database settings; refused when <paramref name="basedOnVersion"/> is stale.</summary>
    public void ChangeDatabaseSettings(Guid? dataSourceId, int? timeoutSeconds, int rowCap, int basedOnVersion, string by, DateTimeOffset at)
    {
        EnsureVersion(basedOnVersion);
        ValidateDatabaseSettings(timeoutSeconds, rowCap);
        DataSourceId = dataSourceId;
        TimeoutSeconds = timeoutSeconds;
        RowCap = rowCap;
        Touch(by, at);
    }

    /// <summary>Changes the Flink settings of a Flink job; refused when <paramref name="basedOnVersion"/> is stale.</summary>
    public void ChangeFlinkSettings(Flink.FlinkJobSettings settings, int basedOnVersion, string by, DateTimeOffset at)
    {
        if (Type == JobType.DatabaseSql)
        {
            throw new DomainException("A database SQL job has no Flink settings.");
        }

        EnsureVersion(basedOnVersion);
        FlinkSettingsJson = settings.Validate().ToJson();
        Touch(by, at);
    }

    /// <summary>Replaces the job variables; names must be valid <c>${name}</c> identifiers and unique.</summary>
    public void ReplaceVariables(IEnumerable<KeyValuePair<string, string>> variables, int basedOnVersion, string by, DateTimeOffset at)
    {
        EnsureVersion(basedOnVersion);
        _variables = ValidateVariables(variables);
        Touch(by, at);
    }

    /// <summary>Publishes the current draft as the next immutable version.</summary>
    public JobVersion Publish(string? comment, string by, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(DraftSql))
        {
            throw new DomainException("An empty job cannot be published.");
        }

        LatestVersionNumber++;
        return new JobVersion(WorkspaceId, Id, LatestVersionNumber, DraftSql, SettingsSnapshot(), _variables, comment, Clip(by), at);
    }

    /// <summary>Puts a published version's text, settings and variables back into the draft.</summary>
    public void RestoreDraft(JobVersion version, int basedOnVersion, string by, DateTimeOffset at)
    {
        if (version.JobId != Id)
        {
            throw new DomainException("That version belongs to another job.");
        }

        EnsureVersion(basedOnVersion);
        DraftSql = version.SqlText;
        _variables = new Dictionary<string, string>(version.Variables, StringComparer.Ordinal);
        var settings = JobSettingsSnapshot.FromJson(version.SettingsJson);
        DataSourceId = settings.DataSourceId;
        TimeoutSeconds = settings.TimeoutSeconds;
        RowCap = settings.RowCap is >= 1 and <= MaxRowCap ? settings.RowCap : DefaultRowCap;
        Touch(by, at);
    }

    /// <summary>A new job with this one's text, settings and variables (no versions).</summary>
    public Job CopyAs(string name, Guid? folderId, string by, DateTimeOffset at) => new(WorkspaceId, name, folderId, Type, by, at)
    {
        DraftSql = DraftSql,
        DataSourceId = DataSourceId,
        TimeoutSeconds = TimeoutSeconds,
        RowCap = RowCap,
        FlinkSettingsJson = FlinkSettingsJson,
        _variables = new Dictionary<string, string>(_variables, StringComparer.Ordinal),
    };

    /// <summary>The settings a published version keeps, as JSON.</summary>
    public string SettingsSnapshot() => new JobSettingsSnapshot(DataSourceId, TimeoutSeconds, RowCap).ToJson();

    public void EnsureVersion(int basedOnVersion)
    {
        if (basedOnVersion != Version)
        {
            throw new JobVersionMismatchException(Id, basedOnVersion, Version);
        }
    }

    public static Dictionary<string, string> ValidateVariables(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            var valid = JobNames.ValidateVariableName(name);
            if (!result.TryAdd(valid, JobNames.ValidateVariableValue(value)))
            {
                throw new DomainException($"The variable '{valid}' is defined twice.");
            }
        }

        return result;
    }

    private static void ValidateDatabaseSettings(int? timeoutSeconds, int rowCap)
    {
        if (timeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            throw new DomainException($"A timeout is between 1 and {MaxTimeoutSeconds} seconds.");
        }

        if (rowCap is < 1 or > MaxRowCap)
        {
            throw new DomainException($"The row cap is between 1 and {MaxRowCap}.");
        }
    }

    private static string ValidateSql(string? sql)
    {
        var text = sql ?? string.Empty;
        return text.Length <= MaxSqlLength ? text : throw new DomainException($"A job's text has at most {MaxSqlLength} characters.");
    }

    private static string Clip(string by) => by.Length <= MaxUserLength ? by : by[..MaxUserLength];

    private void Touch(string by, DateTimeOffset at)
    {
        Version++;
        UpdatedBy = Clip(by);
        UpdatedAt = at;
    }
}

/// <summary>A change was based on <see cref="BasedOn"/> but the job is at <see cref="Current"/>: someone saved since.</summary>
public sealed class JobVersionMismatchException(Guid jobId, int basedOn, int current)
    : Exception($"The job was changed by someone else (version {current}, your edit is based on {basedOn}).")
{
    public Guid JobId { get; } = jobId;

    public int BasedOn { get; } = basedOn;

    public int Current { get; } = current;
}

/// <summary>The settings a version keeps. Flink settings join here when Flink jobs get theirs.</summary>
public sealed record JobSettingsSnapshot(Guid? DataSourceId, int? TimeoutSeconds, int RowCap)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static JobSettingsSnapshot FromJson(string json) =>
        JsonSerializer.Deserialize<JobSettingsSnapshot>(json, Options) ?? new JobSettingsSnapshot(null, null, Job.DefaultRowCap);
}
