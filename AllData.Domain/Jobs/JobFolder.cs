using AllData.Domain.Common;

namespace AllData.Domain.Jobs;

/// <summary>A folder of the studio's job tree; a null <see cref="ParentId"/> is a root folder.</summary>
public sealed class JobFolder : IWorkspaceOwned
{
    private JobFolder()
    {
        Name = string.Empty;
    }

    public JobFolder(Guid workspaceId, string name, Guid? parentId, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        WorkspaceId = workspaceId;
        Name = JobNames.ValidateName(name, "folder");
        ParentId = parentId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    public Guid? ParentId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public void Rename(string name) => Name = JobNames.ValidateName(name, "folder");

    /// <summary>Moves the folder under <paramref name="parentId"/> (null: to the root).</summary>
    /// <param name="ancestorsOfTarget">The target folder and its ancestors, to refuse a move into itself.</param>
    public void MoveTo(Guid? parentId, IEnumerable<Guid> ancestorsOfTarget)
    {
        if (parentId == Id || ancestorsOfTarget.Contains(Id))
        {
            throw new DomainException("A folder cannot be moved into itself or one of its subfolders.");
        }

        ParentId = parentId;
    }
}
