using AllData.Domain.Common;

namespace AllData.Domain.Identity;

/// <summary>Rules that span the members of one workspace.</summary>
public static class MembershipRules
{
    /// <summary>
    /// A workspace always keeps at least one Admin: refuses a change that would leave <paramref name="members"/>
    /// without one once <paramref name="userId"/> has <paramref name="newRole"/> (null: is removed).
    /// </summary>
    public static void EnsureAnAdminRemains(IEnumerable<WorkspaceMember> members, string userId, WorkspaceRole? newRole)
    {
        var adminsAfter = members.Count(m =>
            m.UserId == userId ? newRole == WorkspaceRole.Admin : m.Role == WorkspaceRole.Admin);
        var hadAdmin = members.Any(m => m.Role == WorkspaceRole.Admin);
        if (hadAdmin && adminsAfter == 0)
        {
            throw new DomainException("A workspace needs at least one Admin: make another member Admin first.");
        }
    }
}
