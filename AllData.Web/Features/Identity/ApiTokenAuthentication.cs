using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AllData.Web.Features.Identity;

/// <summary>The claims of a principal that an API token authenticated.</summary>
public static class ApiTokenClaims
{
    public const string TokenId = "alldata:api-token";
    public const string Workspace = "alldata:api-workspace";
    public const string Scopes = "alldata:api-scopes";

    /// <summary>The token's scopes; null when the principal is not a token (a signed-in browser user).</summary>
    public static ApiScopes? ScopesOf(ClaimsPrincipal? principal) =>
        principal?.FindFirst(Scopes)?.Value is { } value && int.TryParse(value, CultureInfo.InvariantCulture, out var s) ? (ApiScopes)s : null;

    public static Guid? WorkspaceOf(ClaimsPrincipal? principal) =>
        principal?.FindFirst(Workspace)?.Value is { } value && Guid.TryParse(value, out var id) ? id : null;

    public static Guid? TokenOf(ClaimsPrincipal? principal) =>
        principal?.FindFirst(TokenId)?.Value is { } value && Guid.TryParse(value, out var id) ? id : null;
}

/// <summary>
/// <c>Authorization: Bearer adt_…</c> on <c>/api</c> and <c>/openapi</c> requests (never a query string). The token
/// is looked up in the store on every request, so a revoked token, an expired one or a disabled user's is refused at
/// once on every instance.
/// </summary>
public static class ApiTokenAuthentication
{
    public const string Scheme = "ApiToken";

    public static AuthenticationBuilder AddApiToken(this AuthenticationBuilder builder) =>
        builder.AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(Scheme, null);

    /// <summary>The bearer token of an API request; null when there is none (or the path is not the API's).</summary>
    public static string? TokenOf(HttpRequest request)
    {
        if (!IsApiPath(request.Path))
        {
            return null;
        }

        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);
}

internal sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenService tokens,
    IOptions<Microsoft.AspNetCore.Identity.IdentityOptions> identity)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ApiTokenAuthentication.TokenOf(Request);
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var found = await tokens.ResolveAsync(token, Context.Connection.RemoteIpAddress?.ToString(), Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail("The API token is unknown, expired or revoked, or its user is disabled.");
        }

        var claims = identity.Value.ClaimsIdentity;
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(claims.UserIdClaimType, found.UserId),
            new Claim(claims.UserNameClaimType, found.UserName),
            new Claim(ApiTokenClaims.TokenId, found.TokenId.ToString()),
            new Claim(ApiTokenClaims.Workspace, found.WorkspaceId.ToString()),
            new Claim(ApiTokenClaims.Scopes, ((int)found.Scopes).ToString(CultureInfo.InvariantCulture)),
        ], Scheme.Name, claims.UserNameClaimType, claims.RoleClaimType));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
