using AllData.Domain.Common;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Studio;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllData.Web.Api;

/// <summary>Turns the services' exceptions into problem details, the same way for every API endpoint.</summary>
internal static class ApiErrors
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (!context.HttpContext.Response.HasStarted && ToProblem(e) is { } problem)
        {
            return problem;
        }
    }

    /// <summary>The problem an exception means for an API caller; null for an unexpected one (a 500 from the host).</summary>
    public static IResult? ToProblem(Exception e) => e switch
    {
        NotFoundException => Problem(StatusCodes.Status404NotFound, "Not found", e.Message),
        JobConflictException conflict => TypedResults.Problem(conflict.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict",
            extensions: new Dictionary<string, object?> { ["currentVersion"] = conflict.Current.Version, ["etag"] = Etags.Of(conflict.Current.Version) }),
        DbUpdateConcurrencyException => Problem(StatusCodes.Status409Conflict, "Conflict", "Someone changed this at the same moment; read it again and retry."),
        IdempotencyKeyReusedException => Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused", e.Message),
        DomainException => Problem(StatusCodes.Status400BadRequest, "Invalid request", e.Message),
        UnauthorizedAccessException => Problem(StatusCodes.Status403Forbidden, "Forbidden", e.Message),
        _ => null,
    };

    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}

/// <summary>Entity tags of job drafts: the draft's save counter, strong.</summary>
public static class Etags
{
    public static string Of(int version) => $"\"{version}\"";

    /// <summary>The version an If-Match header names; null when it names none (or several).</summary>
    public static int? Parse(string? ifMatch) =>
        ifMatch?.Trim() is { Length: > 2 } v && v[0] == '"' && v[^1] == '"' && int.TryParse(v[1..^1], out var n) ? n : null;
}
