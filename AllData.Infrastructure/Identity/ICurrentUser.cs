using AllData.Domain.Identity;

namespace AllData.Infrastructure.Identity;

/// <summary>Who is acting in this scope (an HTTP request or a Blazor circuit). The web layer supplies it.</summary>
public interface ICurrentUser
{
    /// <summary>The signed-in user's id, or null when nobody is signed in.</summary>
    string? UserId { get; }

    /// <summary>
    /// The workspace this scope is bound to, whatever the user last chose in the switcher (an API token's workspace);
    /// null for a signed-in user, who acts in their current workspace.
    /// </summary>
    Guid? BoundWorkspaceId => null;

    /// <summary>The highest role this scope may act with (an API token's scopes); null for no cap.</summary>
    WorkspaceRole? RoleCap => null;
}
