using AllData.Domain.Common;

namespace AllData.Domain.Quality;

/// <summary>
/// A recurring scan of one table (its enabled rules) on a Quartz cron in a time zone; validated by the caller's cron
/// parser before it reaches the entity. One schedule per table.
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
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        TableId = tableId;
        CreatedBy = createdBy.Length <= 200 ? createdBy : createdBy[..200];
        CreatedAt = at;
        Cron = string.Empty;
        TimeZoneId = "UTC";
        Change(cron, timeZoneId, at);
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid TableId { get; private set; }

    public string Cron { get; private set; }

    public string TimeZoneId { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

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
