using AllData.Domain.Common;

namespace AllData.Domain.Identity;

/// <summary>A tenant: every job, data source and rule belongs to one workspace.</summary>
public sealed class Workspace
{
    public const int MaxNameLength = 80;

    private Workspace()
    {
        Name = string.Empty;
    }

    public Workspace(string name, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        Name = ValidateName(name);
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public void Rename(string name) => Name = ValidateName(name);

    public static string ValidateName(string? name)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new DomainException("A workspace needs a name.");
        }

        if (trimmed.Length > MaxNameLength)
        {
            throw new DomainException($"A workspace name has at most {MaxNameLength} characters.");
        }

        return trimmed;
    }
}
