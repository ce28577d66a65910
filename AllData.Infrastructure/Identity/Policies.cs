using AllData.Domain.Identity;
using Microsoft.AspNetCore.Authorization;

namespace AllData.Infrastructure.Identity;

/// <summary>The authorization policies, expressed once: a minimum role in the current workspace, or system admin.</summary>
public static class Policies
{
    public const string Viewer = "workspace-viewer";
    public const string Operator = "workspace-operator";
    public const string Developer = "workspace-developer";
    public const string WorkspaceAdmin = "workspace-admin";
    public const string SystemAdmin = "system-admin";

    public static void AddAllDataPolicies(this AuthorizationOptions options)
    {
        options.AddPolicy(Viewer, p => p.RequireAuthenticatedUser().AddRequirements(new WorkspaceRoleRequirement(WorkspaceRole.Viewer)));
        options.AddPolicy(Operator, p => p.RequireAuthenticatedUser().AddRequirements(new WorkspaceRoleRequirement(WorkspaceRole.Operator)));
        options.AddPolicy(Developer, p => p.RequireAuthenticatedUser().AddRequirements(new WorkspaceRoleRequirement(WorkspaceRole.Developer)));
        options.AddPolicy(WorkspaceAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new WorkspaceRoleRequirement(WorkspaceRole.Admin)));
        options.AddPolicy(SystemAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new SystemAdminRequirement()));
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}

public sealed record WorkspaceRoleRequirement(WorkspaceRole Minimum) : IAuthorizationRequirement;

public sealed record SystemAdminRequirement : IAuthorizationRequirement;

internal sealed class WorkspaceAuthorizationHandler(WorkspaceContext workspace) : IAuthorizationHandler
{
    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            switch (requirement)
            {
                case WorkspaceRoleRequirement role when (await workspace.GetAsync())?.Can(role.Minimum) == true:
                case SystemAdminRequirement when (await workspace.GetAsync())?.IsSystemAdmin == true:
                    context.Succeed(requirement);
                    break;
            }
        }
    }
}
