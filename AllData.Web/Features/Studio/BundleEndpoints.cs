using System.Text;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Infrastructure.Jobs;
using AllData.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllData.Web.Features.Studio;

/// <summary>What an import did or would do: the changes with their diffs, the problems that stop it, and the plan's fingerprint.</summary>
public sealed record BundlePlanResponse(
    bool DryRun, bool Applied, bool CanApply, string Fingerprint, int Creates, int Changes, int Deletes,
    IReadOnlyList<BundleChange> Items, IReadOnlyList<BundleProblem> Problems)
{
    public static BundlePlanResponse Of(BundlePlan plan, bool dryRun) => new(dryRun, !dryRun && plan.CanApply, plan.CanApply, plan.Fingerprint,
        plan.Count(BundleChangeKind.Create), plan.Count(BundleChangeKind.Change), plan.Count(BundleChangeKind.Delete), plan.Changes, plan.Problems);
}

/// <summary><c>GET /export</c> and <c>POST /import</c>: a folder's jobs, schedules, quality and alert rules as YAML or JSON.</summary>
public static class BundleEndpoints
{
    public static RouteGroupBuilder MapBundleEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/export", ExportAsync).Permits(ApiScopes.Read).WithTags("Export and import")
            .WithName("ExportBundle")
            .WithSummary("A folder (by path, 'folder=etl/daily', or id; the whole workspace without either) as a bundle: jobs, settings, schedules, " +
                         "dependencies, declared tables, their quality rules and the alert rules watching them; never secrets. format=yaml (default) or json.")
            .Produces<string>(StatusCodes.Status200OK, "application/yaml", "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/import", ImportAsync).Permits(ApiScopes.Write).WithTags("Export and import")
            .WithName("ImportBundle")
            .WithSummary("Imports a bundle (YAML or JSON body) into a folder (Developer). dryRun=true returns the plan (create, change, delete, with diffs) " +
                         "and changes nothing; without it the same plan is applied in one transaction and created or changed jobs are published. " +
                         "prune=true also deletes what the folder has and the bundle has not. If-Match with the dry run's fingerprint refuses a plan that changed since (409).")
            .Accepts<string>("application/yaml", "application/json", "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return api;
    }

    private static async Task<IResult> ExportAsync(JobBundleService bundles, string? folder, Guid? folderId, string? format, CancellationToken ct)
    {
        var kind = ParseFormat(format);
        var bundle = await bundles.ExportAsync(folderId ?? await bundles.FindFolderAsync(folder, ct), ct);
        var name = BundlePaths.Clean(folder ?? string.Empty).Replace('/', '-') is { Length: > 0 } n ? n : "workspace";
        var json = kind == BundleFormat.Json;
        return new Attached(TypedResults.Text(JobBundleText.Write(bundle, kind), json ? "application/json" : "application/yaml", Encoding.UTF8),
            name + (json ? ".json" : ".yaml"));
    }

    private static async Task<Results<Ok<BundlePlanResponse>, ProblemHttpResult>> ImportAsync(JobBundleService bundles, HttpRequest request, string? folder,
        Guid? folderId, bool? dryRun, bool? prune, CancellationToken ct)
    {
        var text = await ReadBodyAsync(request, ct);
        if (text is null)
        {
            return ApiErrors.Problem(StatusCodes.Status413PayloadTooLarge, "Too large", $"A bundle has at most {JobBundleText.MaxBytes / 1024 / 1024} MB.");
        }

        var bundle = JobBundleText.Read(text);
        var target = folderId ?? await bundles.FindFolderAsync(folder, ct);
        if (dryRun == true)
        {
            return TypedResults.Ok(BundlePlanResponse.Of(await bundles.PlanAsync(target, bundle, prune == true, ct), dryRun: true));
        }

        var expected = request.Headers.IfMatch.ToString().Trim().Trim('"');
        return TypedResults.Ok(BundlePlanResponse.Of(await bundles.ApplyAsync(target, bundle, prune == true, expected, ct), dryRun: false));
    }

    private static BundleFormat ParseFormat(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        null or "" or "yaml" or "yml" => BundleFormat.Yaml,
        "json" => BundleFormat.Json,
        _ => throw new ApiFieldException("format", "The format is yaml or json."),
    };

    /// <summary>The body as text, or null when it is larger than a bundle may be.</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > JobBundleText.MaxBytes)
        {
            return null;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[JobBundleText.MaxBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await reader.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }

        return read > JobBundleText.MaxBytes ? null : new string(buffer, 0, read);
    }

    /// <summary>The text as a download with a file name.</summary>
    private sealed class Attached(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
