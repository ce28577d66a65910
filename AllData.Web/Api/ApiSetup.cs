using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using AllData.Web.Features.Alerts;
using AllData.Web.Features.Catalog;
using AllData.Web.Features.Flink;
using AllData.Web.Features.Identity;
using AllData.Web.Features.Operations;
using AllData.Web.Features.Quality;
using AllData.Web.Features.Scheduling;
using AllData.Web.Features.Studio;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace AllData.Web.Api;

/// <summary>The REST API: one <c>/api/v1</c> group, token authentication, problem details, rate limits, OpenAPI and its reference page.</summary>
public static class ApiSetup
{
    public const string Prefix = "/api/v1";
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string DocsPath = "/api/docs";
    public const string RateLimitPolicy = "api-per-token";

    public static IServiceCollection AddAllDataApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        new AuthenticationBuilder(services).AddApiToken();
        services.AddSingleton<IAuthorizationHandler, ApiScopeHandler>();
        services.ConfigureApplicationCookie(o =>
        {
            // The API answers 401/403 with problem details instead of redirecting to the sign-in page.
            var login = o.Events.OnRedirectToLogin;
            var denied = o.Events.OnRedirectToAccessDenied;
            o.Events.OnRedirectToLogin = c => ApiTokenAuthentication.IsApiPath(c.Request.Path) ? Status(c.Response, StatusCodes.Status401Unauthorized) : login(c);
            o.Events.OnRedirectToAccessDenied = c => ApiTokenAuthentication.IsApiPath(c.Request.Path) ? Status(c.Response, StatusCodes.Status403Forbidden) : denied(c);
        });

        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith(Prefix[1..], StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "AllData API",
                    Version = DocumentName,
                    Description = "Jobs, runs, schedules, quality, alerts, catalog and Flink of one workspace. Authenticate with `Authorization: Bearer <token>` " +
                                  "(create a token under your user menu > API tokens). Errors are RFC 9457 problem details.",
                };
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    ["bearer"] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An AllData API token (adt_…).",
                    },
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
                return Task.CompletedTask;
            });
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, context =>
            {
                var limit = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>().Value;
                var key = ApiTokenClaims.TokenOf(context.User)?.ToString()
                          ?? context.User.FindFirstValue(ClaimTypes.NameIdentifier)
                          ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.RequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }

                await ApiErrors.Problem(StatusCodes.Status429TooManyRequests, "Too many requests",
                    "This token made too many requests; slow down and retry after the Retry-After seconds.").ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>Problem details for the API's bare error statuses (401, 403, 404 of unknown routes …); place before authentication.</summary>
    public static WebApplication UseAllDataApiErrors(this WebApplication app)
    {
        app.UseWhen(c => ApiTokenAuthentication.IsApiPath(c.Request.Path), b => b.UseStatusCodePages());
        return app;
    }

    /// <summary>
    /// Maps the one <c>/api/v1</c> group and every feature's endpoints on it, the OpenAPI document and the reference page.
    /// A feature adds its endpoints with one line here; each endpoint states its access with <see cref="ApiAccessExtensions.Permits{TBuilder}"/>.
    /// </summary>
    public static WebApplication MapAllDataApi(this WebApplication app)
    {
        var api = app.MapGroup(Prefix)
            .AddEndpointFilter(ApiErrors.FilterAsync)
            .RequireRateLimiting(RateLimitPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapStudioEndpoints();
        api.MapOperationsEndpoints();
        api.MapCatalogEndpoints();
        api.MapFlinkEndpoints();
        api.MapSchedulingEndpoints();
        api.MapQualityEndpoints();
        api.MapAlertsEndpoints();

        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference(DocsPath, o => o
            .WithTitle("AllData API")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts()
            .AddPreferredSecuritySchemes("bearer"));
        return app;
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}

/// <summary>The AllData:Api section of appsettings.json.</summary>
public sealed class ApiOptions
{
    public const string Section = "AllData:Api";

    /// <summary>Requests one token (or signed-in user) may make per minute on one instance; more get 429.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 600;
}
