using System.Security.Claims;
using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AllData.Web.Features.Identity;

/// <summary>
/// The acting user of this scope: set from HttpContext for requests, and from the authentication state for
/// Blazor circuits (which outlive their first request).
/// </summary>
public sealed class CurrentUser(IOptions<IdentityOptions> identity) : ICurrentUser
{
    private ClaimsPrincipal _principal = new(new ClaimsIdentity());

    public string? UserId => _principal.Identity?.IsAuthenticated == true
        ? _principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType)
        : null;

    /// <summary>An API token's workspace: the token acts there, whatever the user last chose in the switcher.</summary>
    public Guid? BoundWorkspaceId => ApiTokenClaims.WorkspaceOf(_principal);

    /// <summary>An API token's scopes cap the role it acts with.</summary>
    public WorkspaceRole? RoleCap => ApiTokenClaims.ScopesOf(_principal) is { } scopes ? ApiScopeRules.CapOf(scopes) ?? WorkspaceRole.Viewer : null;

    internal void Set(ClaimsPrincipal principal) => _principal = principal;
}

internal sealed class CurrentUserMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, CurrentUser user)
    {
        user.Set(context.User);
        return next(context);
    }
}

internal sealed class CurrentUserCircuitHandler(AuthenticationStateProvider auth, CurrentUser user) : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        auth.AuthenticationStateChanged += OnChanged;
        user.Set((await auth.GetAuthenticationStateAsync()).User);
    }

    private void OnChanged(Task<AuthenticationState> task) =>
        _ = task.ContinueWith(t => user.Set(t.Result.User), TaskScheduler.Default);

    public void Dispose() => auth.AuthenticationStateChanged -= OnChanged;
}
