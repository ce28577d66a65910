using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Infrastructure.Identity;

namespace AllData.Infrastructure.Studio;

public sealed record FolderNode(Guid Id, string Name, Guid? ParentId);

public sealed record JobNode(Guid Id, string Name, Guid? FolderId, JobType Type);

/// <summary>The job tree, flat: folders and jobs with their parents; the UI builds the hierarchy.</summary>
public sealed record JobTree(IReadOnlyList<FolderNode> Folders, IReadOnlyList<JobNode> Jobs);

/// <summary>What deleting a folder or a job takes with it (shown in the confirmation).</summary>
public sealed record DeleteInfo(int Folders, int Jobs, int Versions, int Runs);

/// <summary>A job as the studio edits it.</summary>
public sealed record JobDetail(
    Guid Id,
    string Name,
    Guid? FolderId,
    JobType Type,
    string DraftSql,
    Guid? DataSourceId,
    int? TimeoutSeconds,
    int RowCap,
    IReadOnlyDictionary<string, string> Variables,
    int Version,
    int LatestVersionNumber,
    string UpdatedBy,
    DateTimeOffset UpdatedAt)
{
    internal static JobDetail Of(Job job) => new(job.Id, job.Name, job.FolderId, job.Type, job.DraftSql, job.DataSourceId,
        job.TimeoutSeconds, job.RowCap, new Dictionary<string, string>(job.Variables, StringComparer.Ordinal), job.Version,
        job.LatestVersionNumber, job.UpdatedBy, job.UpdatedAt);
}

/// <summary>The studio's Save of one job: everything the editor tab holds, and the version it was loaded at.</summary>
public sealed record JobDraft(
    string Sql,
    Guid? DataSourceId,
    int? TimeoutSeconds,
    int RowCap,
    IReadOnlyDictionary<string, string> Variables,
    int BasedOnVersion);

/// <summary>
/// A save was based on an older version of the job: someone saved since. <see cref="Current"/> is the newer save,
/// so the UI can show the difference and let the user overwrite (save again based on it) or reload.
/// </summary>
public sealed class JobConflictException(JobDetail current, int basedOn)
    : Exception($"'{current.Name}' was saved by {current.UpdatedBy} at {current.UpdatedAt:u} after you opened it.")
{
    public JobDetail Current { get; } = current;

    public int BasedOn { get; } = basedOn;
}

public sealed record JobVersionSummary(Guid Id, Guid JobId, int Number, string? Comment, string PublishedBy, DateTimeOffset PublishedAt);

public sealed record JobVersionDetail(
    Guid Id, Guid JobId, int Number, string SqlText, JobSettingsSnapshot Settings, IReadOnlyDictionary<string, string> Variables,
    string? Comment, string PublishedBy, DateTimeOffset PublishedAt)
{
    internal static JobVersionDetail Of(JobVersion v) => new(v.Id, v.JobId, v.Number, v.SqlText, JobSettingsSnapshot.FromJson(v.SettingsJson),
        new Dictionary<string, string>(v.Variables, StringComparer.Ordinal), v.Comment, v.PublishedBy, v.PublishedAt);
}

/// <summary>A workspace variable as the UI sees it: a secret's <see cref="Value"/> is null (never sent to a browser).</summary>
public sealed record WorkspaceVariableRow(Guid Id, string Name, string? Value, bool IsSecret, string UpdatedBy, DateTimeOffset UpdatedAt);
