using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Quality;
using AllData.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllData.Web.Features.Quality;

/// <summary>Quality: Viewers read rules, scans and scores, Developers define rules, Operators scan.</summary>
public static class QualityEndpoints
{
    public static RouteGroupBuilder MapQualityEndpoints(this RouteGroupBuilder api)
    {
        var quality = api.MapGroup("/quality").WithTags("Quality");
        quality.MapGet("/overview", OverviewAsync).Permits(ApiScopes.Read)
            .WithName("GetQualityOverview")
            .WithSummary("Quality scores of the workspace, its sources and tables (worst first), the failing rules and the score trend of 'days' days (default 30).");
        quality.MapGet("/tables/{tableId:guid}", TableAsync).Permits(ApiScopes.Read)
            .WithName("GetTableQuality").WithSummary("A catalog table's score, what each rule costs it, its gate, its last scan and its rules.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapGet("/tables/{tableId:guid}/rules", ListRulesAsync).Permits(ApiScopes.Read)
            .WithName("ListQualityRules").WithSummary("The rules of a catalog table by name, each with its latest result.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapPost("/tables/{tableId:guid}/rules", CreateRuleAsync).Permits(ApiScopes.Write)
            .WithName("CreateQualityRule")
            .WithSummary("Defines a rule on a catalog table (Developer), checked against the table and the source's SQL parser; " +
                         "bad input answers 400 with the problem under its field in 'errors'.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapPut("/rules/{ruleId:guid}", UpdateRuleAsync).Permits(ApiScopes.Write)
            .WithName("UpdateQualityRule").WithSummary("Changes a rule (Developer).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapDelete("/rules/{ruleId:guid}", DeleteRuleAsync).Permits(ApiScopes.Write)
            .WithName("DeleteQualityRule").WithSummary("Deletes a rule and its results (Developer).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapPost("/tables/{tableId:guid}/scans", ScanAsync).Permits(ApiScopes.Run)
            .WithName("ScanTable")
            .WithSummary("Scans the table now (Operator): every enabled rule measured in as few queries as possible; answers with the finished scan.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapGet("/scans", ListScansAsync).Permits(ApiScopes.Read)
            .WithName("ListQualityScans").WithSummary("Recent scans (up to 500), newest first, optionally of one table, a page at a time.");
        quality.MapGet("/scans/{scanId:guid}", GetScanAsync).Permits(ApiScopes.Read)
            .WithName("GetQualityScan").WithSummary("One scan with the result of each rule (metric, threshold, outcome, samples of failing rows).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapGet("/tables/{tableId:guid}/scan-schedule", GetScanScheduleAsync).Permits(ApiScopes.Read)
            .WithName("GetScanSchedule").WithSummary("The table's scan schedule (cron in words, next fires), or 404 when it has none.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapPut("/tables/{tableId:guid}/scan-schedule", SetScanScheduleAsync).Permits(ApiScopes.Write)
            .WithName("SetScanSchedule")
            .WithSummary("Scans the table on a Quartz cron in a time zone (Developer): {\"cron\":\"0 0 3 * * ?\",\"timeZoneId\":\"UTC\"}. A bad cron answers 400 under 'cron'.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapDelete("/tables/{tableId:guid}/scan-schedule", RemoveScanScheduleAsync).Permits(ApiScopes.Write)
            .WithName("RemoveScanSchedule").WithSummary("Stops the table's scheduled scans (Developer).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapGet("/sources/{sourceId:guid}/scan-schedule", GetSourceScanScheduleAsync).Permits(ApiScopes.Read)
            .WithName("GetSourceScanSchedule").WithSummary("The source's scan schedule (every table of it with enabled rules), or 404 when it has none.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapPut("/sources/{sourceId:guid}/scan-schedule", SetSourceScanScheduleAsync).Permits(ApiScopes.Write)
            .WithName("SetSourceScanSchedule")
            .WithSummary("Scans every table of the source that has enabled rules, one after the other, on a Quartz cron in a time zone (Developer). A bad cron answers 400 under 'cron'.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        quality.MapDelete("/sources/{sourceId:guid}/scan-schedule", RemoveSourceScanScheduleAsync).Permits(ApiScopes.Write)
            .WithName("RemoveSourceScanSchedule").WithSummary("Stops the source's scheduled scans (Developer); tables' own schedules stay.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<QualityScanScheduleRow>> GetScanScheduleAsync(Guid tableId, QualityScanScheduleService schedules, CancellationToken ct) =>
        TypedResults.Ok(await schedules.GetAsync(tableId, ct) ?? throw new AllData.Domain.Common.NotFoundException("The table has no scan schedule."));

    private static async Task<Ok<QualityScanScheduleRow>> SetScanScheduleAsync(Guid tableId, ScanScheduleBody request, QualityScanScheduleService schedules,
        CancellationToken ct) =>
        TypedResults.Ok(await schedules.SetAsync(tableId, request.Cron, request.TimeZoneId ?? "UTC", ct));

    private static async Task<NoContent> RemoveScanScheduleAsync(Guid tableId, QualityScanScheduleService schedules, CancellationToken ct)
    {
        await schedules.RemoveAsync(tableId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<QualityScanScheduleRow>> GetSourceScanScheduleAsync(Guid sourceId, QualityScanScheduleService schedules, CancellationToken ct) =>
        TypedResults.Ok(await schedules.GetForSourceAsync(sourceId, ct) ?? throw new AllData.Domain.Common.NotFoundException("The data source has no scan schedule."));

    private static async Task<Ok<QualityScanScheduleRow>> SetSourceScanScheduleAsync(Guid sourceId, ScanScheduleBody request, QualityScanScheduleService schedules,
        CancellationToken ct) =>
        TypedResults.Ok(await schedules.SetForSourceAsync(sourceId, request.Cron, request.TimeZoneId ?? "UTC", ct));

    private static async Task<NoContent> RemoveSourceScanScheduleAsync(Guid sourceId, QualityScanScheduleService schedules, CancellationToken ct)
    {
        await schedules.RemoveForSourceAsync(sourceId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<QualityOverview>> OverviewAsync(QualityQueries queries, int? days, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetOverviewAsync(Math.Clamp(days ?? 30, 1, 365), ct));

    private static async Task<Ok<TableQuality>> TableAsync(Guid tableId, CatalogService catalog, QualityQueries queries, CancellationToken ct)
    {
        await catalog.GetTableAsync(tableId, ct);
        return TypedResults.Ok(await queries.GetTableAsync(tableId, ct));
    }

    private static async Task<Ok<IReadOnlyList<QualityRuleRow>>> ListRulesAsync(Guid tableId, CatalogService catalog, QualityQueries queries, CancellationToken ct)
    {
        await catalog.GetTableAsync(tableId, ct);
        return TypedResults.Ok((await queries.GetTableAsync(tableId, ct)).Rules);
    }

    private static async Task<Created<QualityRuleRow>> CreateRuleAsync(Guid tableId, QualityRuleInput request, CatalogService catalog,
        QualityRuleService rules, CancellationToken ct)
    {
        Check(request);
        var table = await catalog.GetTableAsync(tableId, ct);
        if (request.Spec.Columns.FirstOrDefault(c => !table.Columns.Any(k => k.Name == c.Trim())) is { } missing)
        {
            throw new ApiFieldException("spec.columns", $"The table has no column '{missing}'.");
        }

        var rule = await rules.CreateAsync(tableId, request, ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/quality/tables/{tableId}/rules", rule);
    }

    private static async Task<Ok<QualityRuleRow>> UpdateRuleAsync(Guid ruleId, QualityRuleInput request, QualityRuleService rules, CancellationToken ct)
    {
        Check(request);
        return TypedResults.Ok(await rules.UpdateAsync(ruleId, request, ct));
    }

    /// <summary>The rule's own checks, reported at their field (name, spec) before the table and the source are asked.</summary>
    private static void Check(QualityRuleInput request)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw new ApiFieldException("name", "Give the rule a name.");
        }

        if (request.Spec is null)
        {
            throw new ApiFieldException("spec", "Say what the rule checks (spec with type and threshold).");
        }

        try
        {
            request.Spec.Validated();
        }
        catch (DomainException e)
        {
            throw new ApiFieldException("spec", e.Message);
        }
    }

    private static async Task<NoContent> DeleteRuleAsync(Guid ruleId, QualityRuleService rules, CancellationToken ct)
    {
        await rules.DeleteAsync(ruleId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<QualityScanRow>> ScanAsync(Guid tableId, CatalogService catalog, QualityScanService scans, CancellationToken ct)
    {
        await catalog.GetTableAsync(tableId, ct);
        var scan = await scans.RunScanAsync(tableId, ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/quality/scans/{scan.Id}", scan);
    }

    private static async Task<Ok<PageOf<QualityScanRow>>> ListScansAsync(QualityQueries queries, Guid? tableId, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(Paging.PageOf(await queries.GetScansAsync(tableId, 500, ct), page, pageSize));

    private static async Task<Ok<QualityScanDetails>> GetScanAsync(Guid scanId, QualityQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetScanAsync(scanId, ct));
}

/// <summary>A table's scan schedule: a Quartz cron (with seconds) in a time zone (default UTC).</summary>
public sealed record ScanScheduleBody(string Cron, string? TimeZoneId);
