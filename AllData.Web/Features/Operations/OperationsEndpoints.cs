using System.Text;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;

namespace AllData.Web.Features.Operations;

public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/v1/runs").RequireAuthorization(Policies.Viewer).WithTags("Runs");
        runs.MapGet("/{runId:guid}/log", DownloadLogAsync)
            .WithName("DownloadRunLog")
            .WithSummary("The whole log of a run as plain text, streamed.")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain")
            .Produces(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> DownloadLogAsync(Guid runId, OperationsQueries queries, HttpContext http, CancellationToken ct)
    {
        if (!await queries.ExistsAsync(runId, ct))
        {
            return TypedResults.NotFound();
        }

        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"run-{runId}.log\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 16 * 1024);
        await foreach (var line in queries.StreamLogAsync(runId, ct))
        {
            await writer.WriteAsync($"{line.At:yyyy-MM-dd HH:mm:ss.fff} {line.Level.ToString().ToUpperInvariant(),-7} {line.Text}\n".AsMemory(), ct);
        }

        await writer.FlushAsync(ct);
        return TypedResults.Empty;
    }
}
