using AllData.Domain.Common;

namespace AllData.Domain.Jobs;

/// <summary>An immutable published version of a job: numbered 1..n per job. Schedules and API runs run these.</summary>
public sealed class JobVersion : IWorkspaceOwned
{
    public const int MaxCommentLength = 1000;

    private Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    private JobVersion()
    {
        SqlText = string.Empty;
        SettingsJson = "{}";
        PublishedBy = string.Empty;
    }

    internal JobVersion(Guid workspaceId, Guid jobId, int number, string sqlText, string settingsJson,
        IReadOnlyDictionary<string, string> variables, string? comment, string publishedBy, DateTimeOffset publishedAt)
    {
        if (number < 1)
        {
            throw new DomainException("Version numbers start at 1.");
        }

        var trimmed = comment?.Trim();
        if (trimmed?.Length > MaxCommentLength)
        {
            throw new DomainException($"A version comment has at most {MaxCommentLength} characters.");
        }

        Id = Guid.CreateVersion7(publishedAt);
        WorkspaceId = workspaceId;
        JobId = jobId;
        Number = number;
        SqlText = sqlText;
        SettingsJson = settingsJson;
        _variables = new Dictionary<string, string>(variables, StringComparer.Ordinal);
        Comment = string.IsNullOrEmpty(trimmed) ? null : trimmed;
        PublishedBy = publishedBy;
        PublishedAt = publishedAt;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid JobId { get; private set; }

    public int Number { get; private set; }

    public string SqlText { get; private set; }

    /// <summary>The job's settings when published (<see cref="JobSettingsSnapshot"/> as JSON).</summary>
    public string SettingsJson { get; private set; }

    public IReadOnlyDictionary<string, string> Variables => _variables;

    public string? Comment { get; private set; }

    public string PublishedBy { get; private set; }

    public DateTimeOffset PublishedAt { get; private set; }
}
