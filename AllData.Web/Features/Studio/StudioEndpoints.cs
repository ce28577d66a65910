using AllData.Domain.Common;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Studio;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllData.Web.Features.Studio;

public static class StudioEndpoints
{
    /// <summary><c>GET /api/v1/runs/{runId}/statements/{index}/csv</c>: the full result of one statement of a studio run, streamed.</summary>
    public static IEndpointRouteBuilder MapStudioEndpoints(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/v1/runs").RequireAuthorization(Policies.Developer).WithTags("Runs");
        runs.MapGet("/{runId:guid}/statements/{index:int}/csv", ExportCsvAsync)
            .WithName("ExportStatementCsv")
            .WithSummary("Runs the statement again and streams its full result as CSV (no row cap).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
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
