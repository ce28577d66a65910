using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;
using AllData.Web.Features.Identity;
using Microsoft.AspNetCore.Authorization;

namespace AllData.Web.Api;

/// <summary>
/// Who may call an API endpoint: the token scope it needs and the minimum workspace role (the same role the UI asks
/// for; the services check it again). Every <c>/api/v1</c> endpoint carries one; the permission matrix test reads them.
/// </summary>
public sealed record ApiAccess(ApiScopes Scope, WorkspaceRole MinimumRole);

/// <summary>An API token must hold the scope (a signed-in browser user has no token, so no scope to check).</summary>
public sealed record ApiScopeRequirement(ApiScopes Scope) : IAuthorizationRequirement;

internal sealed class ApiScopeHandler : AuthorizationHandler<ApiScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiScopeRequirement requirement)
    {
        if (ApiTokenClaims.ScopesOf(context.User) is not { } scopes || scopes.HasFlag(requirement.Scope))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

public static class ApiAccessExtensions
{
    /// <summary>The endpoint needs <paramref name="scope"/> and at least <paramref name="role"/> (default: the role the scope allows).</summary>
    public static TBuilder Permits<TBuilder>(this TBuilder builder, ApiScopes scope, WorkspaceRole? role = null)
        where TBuilder : IEndpointConventionBuilder
    {
        var access = new ApiAccess(scope, role ?? ApiScopeRules.RoleOf(scope));
        builder.WithMetadata(access);
        builder.RequireAuthorization(policy => policy
            .RequireAuthenticatedUser()
            .AddRequirements(new WorkspaceRoleRequirement(access.MinimumRole), new ApiScopeRequirement(scope)));
        return builder;
    }
}
