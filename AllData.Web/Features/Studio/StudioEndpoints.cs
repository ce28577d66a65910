using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Studio;
using AllData.Infrastructure.Studio;
using AllData.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AllData.Web.Features.Studio;

/// <summary>A job in a list: its id, name, folder and type.</summary>
public sealed record JobListItem(Guid Id, string Name, Guid? FolderId, string? FolderPath, JobType Type);

/// <summary>A new job: a name, a type and (optionally) the folder it goes into.</summary>
public sealed record CreateJobRequest(string Name, JobType Type, Guid? FolderId);

/// <summary>The job's draft as the studio saves it. Send the draft's ETag in If-Match: a newer save answers 409.</summary>
public sealed record SaveDraftRequest(string Sql, Guid? DataSourceId, int? TimeoutSeconds, int? RowCap, IReadOnlyDictionary<string, string>? Variables);

/// <summary>Publishes the saved draft as the next version.</summary>
public sealed record PublishRequest(string? Comment);

/// <summary>The difference between two versions (or a version and the draft), as a unified diff of the SQL.</summary>
public sealed record JobDiff(string From, string To, string UnifiedDiff, bool SettingsChanged, bool VariablesChanged);

public static class StudioEndpoints
{
    public static RouteGroupBuilder MapStudioEndpoints(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("/", ListJobsAsync).Permits(ApiScopes.Read)
            .WithName("ListJobs").WithSummary("Lists the workspace's jobs, optionally filtered by name or folder, a page at a time.");
        jobs.MapPost("/", CreateJobAsync).Permits(ApiScopes.Write)
            .WithName("CreateJob").WithSummary("Creates an empty job (Developer).").ProducesProblem(StatusCodes.Status400BadRequest);
        jobs.MapGet("/{jobId:guid}", GetJobAsync).Permits(ApiScopes.Read)
            .WithName("GetJob").WithSummary("A job with its draft; the ETag header is the draft's version for If-Match.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPut("/{jobId:guid}/draft", SaveDraftAsync).Permits(ApiScopes.Write)
            .WithName("SaveJobDraft").WithSummary("Saves the job's draft (Developer); If-Match with the ETag is required, a newer save answers 409.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        jobs.MapPost("/{jobId:guid}/versions", PublishAsync).Permits(ApiScopes.Write)
            .WithName("PublishJob").WithSummary("Publishes the saved draft as the next numbered version (Developer).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/{jobId:guid}/versions", ListVersionsAsync).Permits(ApiScopes.Read)
            .WithName("ListJobVersions").WithSummary("The job's published versions, newest first.").ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/{jobId:guid}/versions/{number:int}", GetVersionAsync).Permits(ApiScopes.Read)
            .WithName("GetJobVersion").WithSummary("One published version with its SQL, settings and variables.").ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/{jobId:guid}/diff", DiffAsync).Permits(ApiScopes.Read)
            .WithName("DiffJob").WithSummary("Unified diff of the SQL between two versions; 'from'/'to' are version numbers or 'draft' (default: latest version → draft).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/runs/{runId:guid}/statements/{index:int}/csv", ExportCsvAsync).Permits(ApiScopes.Read, WorkspaceRole.Developer)
            .WithTags("Runs").WithName("ExportStatementCsv")
            .WithSummary("Runs the statement of a studio run again and streams its full result as CSV (no row cap; Developer).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapBundleEndpoints();
        return api;
    }

    private static async Task<Ok<PageOf<JobListItem>>> ListJobsAsync(JobTreeService tree, string? search, Guid? folderId, int? page, int? pageSize,
        CancellationToken ct)
    {
        var all = await tree.GetTreeAsync(search, ct);
        var folders = all.Folders.ToDictionary(f => f.Id);
        var items = all.Jobs.Where(j => folderId is null || j.FolderId == folderId)
            .Select(j => new JobListItem(j.Id, j.Name, j.FolderId, PathOf(folders, j.FolderId), j.Type)).ToList();
        return TypedResults.Ok(Paging.PageOf(items, page, pageSize));
    }

    private static async Task<Created<JobDetail>> CreateJobAsync(CreateJobRequest request, JobTreeService tree, JobService jobs, CancellationToken ct)
    {
        var node = await tree.CreateJobAsync(request.Name, request.FolderId, request.Type, ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/jobs/{node.Id}", await jobs.GetAsync(node.Id, ct));
    }

    private static async Task<Ok<JobDetail>> GetJobAsync(Guid jobId, JobService jobs, HttpContext http, CancellationToken ct)
    {
        var job = await jobs.GetAsync(jobId, ct);
        http.Response.Headers.ETag = Etags.Of(job.Version);
        return TypedResults.Ok(job);
    }

    private static async Task<Results<Ok<JobDetail>, ProblemHttpResult>> SaveDraftAsync(
        Guid jobId, SaveDraftRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, JobService jobs, HttpContext http, CancellationToken ct)
    {
        if (Etags.Parse(ifMatch) is not { } basedOn)
        {
            return ApiErrors.Problem(StatusCodes.Status428PreconditionRequired, "If-Match required",
                "Send the ETag of the job you read (GET /api/v1/jobs/{id}) in If-Match, so a newer save is not overwritten.");
        }

        var current = await jobs.GetAsync(jobId, ct);
        var saved = await jobs.SaveAsync(jobId, new JobDraft(request.Sql ?? string.Empty, request.DataSourceId, request.TimeoutSeconds,
            request.RowCap ?? current.RowCap, request.Variables ?? current.Variables, basedOn), ct);
        http.Response.Headers.ETag = Etags.Of(saved.Version);
        return TypedResults.Ok(saved);
    }

    private static async Task<Created<JobVersionSummary>> PublishAsync(Guid jobId, PublishRequest? request, JobVersionService versions, CancellationToken ct)
    {
        var version = await versions.PublishAsync(jobId, request?.Comment, ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/jobs/{jobId}/versions/{version.Number}", version);
    }

    private static async Task<Ok<PageOf<JobVersionSummary>>> ListVersionsAsync(Guid jobId, int? page, int? pageSize, JobService jobs,
        JobVersionService versions, CancellationToken ct)
    {
        await jobs.GetAsync(jobId, ct);
        return TypedResults.Ok(Paging.PageOf(await versions.ListAsync(jobId, ct), page, pageSize));
    }

    private static async Task<Ok<JobVersionDetail>> GetVersionAsync(Guid jobId, int number, JobVersionService versions, CancellationToken ct) =>
        TypedResults.Ok(await VersionAsync(jobId, number, versions, ct));

    private static async Task<Ok<JobDiff>> DiffAsync(Guid jobId, string? from, string? to, JobService jobs, JobVersionService versions, CancellationToken ct)
    {
        var job = await jobs.GetAsync(jobId, ct);
        from ??= job.LatestVersionNumber > 0 ? job.LatestVersionNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : "draft";
        to ??= "draft";
        var (fromSql, fromSettings, fromVariables) = await SideAsync(job, from, versions, ct);
        var (toSql, toSettings, toVariables) = await SideAsync(job, to, versions, ct);
        return TypedResults.Ok(new JobDiff(from, to, LineDiff.Unified(fromSql, toSql, from, to), fromSettings != toSettings,
            !fromVariables.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(toVariables.OrderBy(p => p.Key, StringComparer.Ordinal))));
    }

    private static async Task<(string Sql, string Settings, IReadOnlyDictionary<string, string> Variables)> SideAsync(
        JobDetail job, string side, JobVersionService versions, CancellationToken ct)
    {
        if (side.Equals("draft", StringComparison.OrdinalIgnoreCase))
        {
            return (job.DraftSql, $"{job.DataSourceId}|{job.TimeoutSeconds}|{job.RowCap}", job.Variables);
        }

        if (!int.TryParse(side, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            throw new DomainException($"'{side}' is neither a version number nor 'draft'.");
        }

        var version = await VersionAsync(job.Id, number, versions, ct);
        return (version.SqlText, $"{version.Settings.DataSourceId}|{version.Settings.TimeoutSeconds}|{version.Settings.RowCap}", version.Variables);
    }

    private static async Task<JobVersionDetail> VersionAsync(Guid jobId, int number, JobVersionService versions, CancellationToken ct)
    {
        var summary = (await versions.ListAsync(jobId, ct)).FirstOrDefault(v => v.Number == number)
                      ?? throw new NotFoundException($"The job has no version {number}.");
        return await versions.GetAsync(summary.Id, ct);
    }

    private static string? PathOf(Dictionary<Guid, FolderNode> folders, Guid? folderId)
    {
        var names = new List<string>();
        for (var id = folderId; id is { } f && folders.TryGetValue(f, out var folder) && names.Count < 64; id = folder.ParentId)
        {
            names.Insert(0, folder.Name);
        }

        return names.Count == 0 ? null : string.Join('/', names);
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ExportCsvAsync(
        Guid runId, int index, RunService runs, HttpContext context, CancellationToken ct)
    {
        var results = await runs.GetResultsAsync(runId, ct);
        if (results is null)
        {
            return TypedResults.Problem("The results of that run are no longer held; run it again.", statusCode: StatusCodes.Status404NotFound);
        }

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"result-{runId:N}-{index + 1}.csv\"";
        try
        {
            await runs.ExportCsvAsync(runId, index, context.Response.Body, ct);
        }
        catch (DomainException e) when (!context.Response.HasStarted)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
        }

        return TypedResults.Empty;
    }
}
