namespace AllData.Domain.Identity;

/// <summary>A member's role in a workspace. Each role includes every right of the roles below it.</summary>
public enum WorkspaceRole
{
    /// <summary>Reads everything in the workspace.</summary>
    Viewer = 10,

    /// <summary>Also starts, stops and reruns jobs.</summary>
    Operator = 20,

    /// <summary>Also edits jobs, rules and data sources.</summary>
    Developer = 30,

    /// <summary>Also manages members and workspace settings.</summary>
    Admin = 40,
}

public static class WorkspaceRoleExtensions
{
    public static bool Includes(this WorkspaceRole role, WorkspaceRole required) => role >= required;

    public static bool IsDefined(this WorkspaceRole role) => Enum.IsDefined(role);
}
