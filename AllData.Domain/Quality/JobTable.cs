using AllData.Domain.Common;

namespace AllData.Domain.Quality;

/// <summary>How a job uses a catalog table.</summary>
public enum JobTableAccess
{
    /// <summary>The job reads the table: its scheduled slots wait while a blocking quality rule of the table fails.</summary>
    Reads,

    /// <summary>The job writes the table: after each successful run the table's quality rules are scanned.</summary>
    Writes,
}

/// <summary>A job's declared use of a catalog table, which ties the table's quality to the job's runs.</summary>
public sealed class JobTable : IWorkspaceOwned
{
    public const int MaxUserLength = 200;

    private JobTable()
    {
        CreatedBy = string.Empty;
    }

    public JobTable(Guid workspaceId, Guid jobId, Guid tableId, JobTableAccess access, string createdBy, DateTimeOffset at)
    {
        if (!Enum.IsDefined(access))
        {
            throw new DomainException("Choose whether the job reads or writes the table.");
        }

        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        JobId = jobId;
        TableId = tableId;
        Access = access;
        CreatedBy = createdBy.Length <= MaxUserLength ? createdBy : createdBy[..MaxUserLength];
        CreatedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid JobId { get; private set; }

    public Guid TableId { get; private set; }

    public JobTableAccess Access { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
}
