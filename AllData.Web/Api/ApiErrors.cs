using AllData.Domain.Common;
using AllData.Infrastructure.Jobs;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Quality;
using AllData.Infrastructure.Scheduling;
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
        ScheduleInputException input => Fields(input.Problems.Select(p => (p.Field, p.Message))),
        QualityFieldException field => Fields([(field.Field ?? "rule", field.Message)]),
        ApiFieldException field => Fields([(field.Field, field.Message)]),
        BundleRejectedException rejected => Fields(rejected.Problems.Select(p => (p.At, p.Message))),
        BundlePlanChangedException => Problem(StatusCodes.Status409Conflict, "Conflict", e.Message),
        IdempotencyKeyReusedException => Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused", e.Message),
        DomainException => Problem(StatusCodes.Status400BadRequest, "Invalid request", e.Message),
        UnauthorizedAccessException => Problem(StatusCodes.Status403Forbidden, "Forbidden", e.Message),
        _ => null,
    };

    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);

    /// <summary>A 400 validation problem: the first message as its detail, every message under its field in <c>errors</c>.</summary>
    public static ValidationProblem Fields(IEnumerable<(string Field, string Message)> problems)
    {
        var list = problems.ToList();
        var errors = list.GroupBy(p => p.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal);
        return TypedResults.ValidationProblem(errors, detail: list[0].Message, title: "Invalid request");
    }
}

/// <summary>Bad input the API itself found, at a named field of the request body (a 400 validation problem).</summary>
public sealed class ApiFieldException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>Entity tags of job drafts: the draft's save counter, strong.</summary>
public static class Etags
{
    public static string Of(int version) => $"\"{version}\"";

    /// <summary>The version an If-Match header names; null when it names none (or several).</summary>
    public static int? Parse(string? ifMatch) =>
        ifMatch?.Trim() is { Length: > 2 } v && v[0] == '"' && v[^1] == '"' && int.TryParse(v[1..^1], out var n) ? n : null;
}
