namespace AllData.Domain.Common;

/// <summary>An entity that belongs to exactly one workspace; the store isolates it by that id.</summary>
public interface IWorkspaceOwned
{
    Guid WorkspaceId { get; }
}
