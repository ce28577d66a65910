using AllData.Domain.Common;

namespace AllData.Domain.Quality;

/// <summary>
/// A recurring scan of one table (its enabled rules), or of every table of a source that has rules, on a Quartz cron
/// in a time zone; validated by the caller's cron parser before it reaches the entity. One schedule per table and per source.
/// </summary>
public sealed class QualityScanSchedule : IWorkspaceOwned
{
    public const int MaxCronLength = 200;

    private QualityScanSchedule()
    {
        Cron = string.Empty;
        TimeZoneId = "UTC";
        CreatedBy = string.Empty;
    }

    public QualityScanSchedule(Guid workspaceId, Guid tableId, string cron, string timeZoneId, string createdBy, DateTimeOffset at)
        : this(workspaceId, tableId, null, cron, timeZoneId, createdBy, at)
    {
    }

    private QualityScanSchedule(Guid workspaceId, Guid? tableId, Guid? dataSourceId, string cron, string timeZoneId, string createdBy, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        TableId = tableId;
        DataSourceId = dataSourceId;
        CreatedBy = createdBy.Length <= 200 ? createdBy : createdBy[..200];
        CreatedAt = at;
        Cron = string.Empty;
        TimeZoneId = "UTC";
        Change(cron, timeZoneId, at);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    /// <summary>The table scanned; null for a source's schedule.</summary>
    public Guid? TableId { get; private set; }

    /// <summary>The source whose tables with rules are scanned; null for a table's schedule.</summary>
    public Guid? DataSourceId { get; private set; }

    public string Cron { get; private set; }

    public string TimeZoneId { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>A schedule that scans every table of <paramref name="dataSourceId"/> that has enabled rules.</summary>
    public static QualityScanSchedule ForSource(Guid workspaceId, Guid dataSourceId, string cron, string timeZoneId, string createdBy, DateTimeOffset at) =>
        new(workspaceId, null, dataSourceId, cron, timeZoneId, createdBy, at);

    public void Change(string cron, string timeZoneId, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(cron) || cron.Trim().Length > MaxCronLength)
        {
            throw new DomainException($"Enter a cron expression of at most {MaxCronLength} characters.");
        }

        Cron = cron.Trim();
        TimeZoneId = string.IsNullOrWhiteSpace(timeZoneId) ? "UTC" : timeZoneId.Trim();
        UpdatedAt = at;
    }
}
