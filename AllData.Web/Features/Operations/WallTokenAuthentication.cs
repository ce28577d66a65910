using System.Security.Claims;
using System.Text.Encodings.Web;
using AllData.Infrastructure.Operations;
using AllData.Web.Features.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AllData.Web.Features.Operations;

/// <summary>
/// A wall token authenticates exactly three kinds of request, and only when no user is signed in: the wall page
/// (<c>/wall?token=…</c>), that page's Blazor circuit (<c>/_blazor</c>, through a cookie scoped to that path), and the
/// live hub (<c>/hubs/live?wall_token=…</c>, where it may join only its workspace's group). Every other page ignores it,
/// so <c>/operations?token=…</c> still redirects to sign-in.
/// </summary>
public static class WallTokenAuthentication
{
    public const string Scheme = "WallToken";
    public const string SelectorScheme = "AllData.UserOrWall";
    public const string WorkspaceClaim = "alldata:wall-workspace";
    public const string CircuitCookie = "alldata.wall";
    public const string WallPath = "/wall";
    public const string HubPath = "/hubs/live";

    /// <summary>The workspace a wall principal may see; null for a user (or nobody).</summary>
    public static Guid? WorkspaceOf(ClaimsPrincipal? principal) =>
        principal?.FindFirst(WorkspaceClaim)?.Value is { } value && Guid.TryParse(value, out var id) ? id : null;

    public static AuthenticationBuilder AddWallToken(this AuthenticationBuilder builder) =>
        builder.AddScheme<AuthenticationSchemeOptions, WallTokenHandler>(Scheme, null)
            .AddPolicyScheme(SelectorScheme, null, o => o.ForwardDefaultSelector = Select);

    internal static string? TokenOf(HttpRequest request)
    {
        if (request.Path.Equals(WallPath, StringComparison.OrdinalIgnoreCase))
        {
            return request.Query["token"];
        }

        if (request.Path.StartsWithSegments(HubPath, StringComparison.OrdinalIgnoreCase))
        {
            return request.Query["wall_token"];
        }

        return request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase) ? request.Cookies[CircuitCookie] : null;
    }

    private static string Select(HttpContext context) =>
        ApiTokenAuthentication.TokenOf(context.Request) is not null ? ApiTokenAuthentication.Scheme
        : context.Request.Cookies.ContainsKey("alldata.auth") || string.IsNullOrEmpty(TokenOf(context.Request))
            ? IdentityConstants.ApplicationScheme
            : Scheme;
}

internal sealed class WallTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, WallTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = WallTokenAuthentication.TokenOf(Request);
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        if (await tokens.ResolveAsync(token, Context.RequestAborted) is not { } workspaceId)
        {
            return AuthenticateResult.Fail("Unknown or revoked wall link.");
        }

        if (Request.Path.Equals(WallTokenAuthentication.WallPath, StringComparison.OrdinalIgnoreCase))
        {
            // The page's circuit connects to /_blazor without the query string: it carries the token in a cookie for that path only.
            Response.Cookies.Append(WallTokenAuthentication.CircuitCookie, token, new CookieOptions
            {
                Path = "/_blazor",
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = Request.IsHttps,
                IsEssential = true,
            });
        }

        var identity = new ClaimsIdentity(
            [new Claim(WallTokenAuthentication.WorkspaceClaim, workspaceId.ToString()), new Claim(ClaimTypes.Name, "wall")], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
