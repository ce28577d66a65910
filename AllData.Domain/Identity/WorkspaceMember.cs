using AllData.Domain.Common;

namespace AllData.Domain.Identity;

/// <summary>A user's membership of a workspace, with one role.</summary>
public sealed class WorkspaceMember
{
    private WorkspaceMember()
    {
        UserId = string.Empty;
    }

    public WorkspaceMember(Guid workspaceId, string userId, WorkspaceRole role, DateTimeOffset addedAt)
    {
        if (string.IsNullOrWhiteSpace(userId))
        {
            throw new DomainException("A member needs a user.");
        }

        WorkspaceId = workspaceId;
        UserId = userId;
        Role = ValidateRole(role);
        AddedAt = addedAt;
    }

    public Guid WorkspaceId { get; private set; }

    public string UserId { get; private set; }

    public WorkspaceRole Role { get; private set; }

    public DateTimeOffset AddedAt { get; private set; }

    public void ChangeRole(WorkspaceRole role) => Role = ValidateRole(role);

    private static WorkspaceRole ValidateRole(WorkspaceRole role) =>
        role.IsDefined() ? role : throw new DomainException($"'{role}' is not a workspace role.");
}
