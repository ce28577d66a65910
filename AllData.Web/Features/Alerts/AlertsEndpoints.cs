using AllData.Domain.Alerts;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Alerts;
using AllData.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllData.Web.Features.Alerts;

/// <summary>Silences alerts of one rule (or all rules, <see cref="RuleId"/> null), optionally of one subject, for <see cref="Minutes"/>.</summary>
public sealed record AddSilenceBody(Guid? RuleId, string? SubjectKey, int Minutes, string Reason);

/// <summary>Alerts: Viewers read rules, alerts, history and silences, Developers change rules, Operators acknowledge and silence.</summary>
public static class AlertsEndpoints
{
    public const int MaxSilenceMinutes = 30 * 24 * 60;

    public static RouteGroupBuilder MapAlertsEndpoints(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts").WithTags("Alerts");
        alerts.MapGet("/rules", ListRulesAsync).Permits(ApiScopes.Read)
            .WithName("ListAlertRules").WithSummary("The workspace's alert rules with their scope, condition, channels and how many alerts each has firing.");
        alerts.MapPost("/rules", CreateRuleAsync).Permits(ApiScopes.Write)
            .WithName("CreateAlertRule")
            .WithSummary("Creates an alert rule (Developer); bad input answers 400 with the problem under its field (name, scope, condition, timing, channelIds).")
            .ProducesValidationProblem();
        alerts.MapPut("/rules/{ruleId:guid}", UpdateRuleAsync).Permits(ApiScopes.Write)
            .WithName("UpdateAlertRule").WithSummary("Changes an alert rule (Developer).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        alerts.MapDelete("/rules/{ruleId:guid}", DeleteRuleAsync).Permits(ApiScopes.Write)
            .WithName("DeleteAlertRule").WithSummary("Deletes an alert rule with its alerts and history (Developer).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        alerts.MapGet("/", ListAlertsAsync).Permits(ApiScopes.Read)
            .WithName("ListAlerts")
            .WithSummary("Alerts that are not normal (firing first, then pending and resolved; up to 500); firing=true keeps only the firing ones.");
        alerts.MapGet("/history", HistoryAsync).Permits(ApiScopes.Read)
            .WithName("ListAlertHistory")
            .WithSummary("Notifications (firing, reminder, resolved), newest first, with delivery counts; 'instanceId' keeps one alert's, a page at a time.");
        alerts.MapPost("/{alertId:guid}/acknowledge", AcknowledgeAsync).Permits(ApiScopes.Run)
            .WithName("AcknowledgeAlert").WithSummary("Acknowledges a firing alert (Operator): no more reminders until it resolves and fires again.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        alerts.MapGet("/silences", ListSilencesAsync).Permits(ApiScopes.Read)
            .WithName("ListAlertSilences").WithSummary("Silences active now or ended in the last 7 days.");
        alerts.MapPost("/silences", AddSilenceAsync).Permits(ApiScopes.Run)
            .WithName("AddAlertSilence").WithSummary("Silences alerts for some minutes (Operator): they still change state but notify nobody.")
            .ProducesValidationProblem();
        alerts.MapDelete("/silences/{silenceId:guid}", EndSilenceAsync).Permits(ApiScopes.Run)
            .WithName("EndAlertSilence").WithSummary("Ends a silence now (Operator).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<AlertRuleRow>>> ListRulesAsync(AlertService alerts, CancellationToken ct) =>
        TypedResults.Ok(await alerts.ListRulesAsync(ct));

    private static async Task<Created<AlertRuleRow>> CreateRuleAsync(AlertRuleInput request, AlertService alerts, CancellationToken ct)
    {
        var id = await alerts.SaveRuleAsync(null, Checked(request), ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/alerts/rules/{id}", await RuleAsync(alerts, id, ct));
    }

    private static async Task<Ok<AlertRuleRow>> UpdateRuleAsync(Guid ruleId, AlertRuleInput request, AlertService alerts, CancellationToken ct)
    {
        await RuleAsync(alerts, ruleId, ct);
        await alerts.SaveRuleAsync(ruleId, Checked(request), ct);
        return TypedResults.Ok(await RuleAsync(alerts, ruleId, ct));
    }

    private static async Task<NoContent> DeleteRuleAsync(Guid ruleId, AlertService alerts, CancellationToken ct)
    {
        await RuleAsync(alerts, ruleId, ct);
        await alerts.DeleteRuleAsync(ruleId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<AlertInstanceRow>>> ListAlertsAsync(AlertService alerts, bool? firing, CancellationToken ct) =>
        TypedResults.Ok(await alerts.ListAlertsAsync(firing == true, ct));

    private static async Task<Ok<PageOf<AlertEventRow>>> HistoryAsync(AlertService alerts, Guid? instanceId, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(Paging.PageOf(await alerts.HistoryAsync(instanceId, ct), page, pageSize));

    private static async Task<Ok<AlertInstanceRow>> AcknowledgeAsync(Guid alertId, AlertService alerts, CancellationToken ct)
    {
        await alerts.AcknowledgeAsync(alertId, ct);
        return TypedResults.Ok((await alerts.ListAlertsAsync(false, ct)).First(a => a.Id == alertId));
    }

    private static async Task<Ok<IReadOnlyList<AlertSilenceRow>>> ListSilencesAsync(AlertService alerts, CancellationToken ct) =>
        TypedResults.Ok(await alerts.ListSilencesAsync(ct));

    private static async Task<Created<AlertSilenceRow>> AddSilenceAsync(AddSilenceBody request, AlertService alerts, CancellationToken ct)
    {
        if (request.Minutes is < 1 or > MaxSilenceMinutes)
        {
            throw new ApiFieldException("minutes", $"A silence lasts between 1 and {MaxSilenceMinutes} minutes.");
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw new ApiFieldException("reason", "Say why the alerts are silenced.");
        }

        if (request.RuleId is { } rule)
        {
            await RuleAsync(alerts, rule, ct, "ruleId");
        }

        var id = await alerts.AddSilenceAsync(request.RuleId, request.SubjectKey, TimeSpan.FromMinutes(request.Minutes), request.Reason, ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/alerts/silences", (await alerts.ListSilencesAsync(ct)).First(s => s.Id == id));
    }

    private static async Task<NoContent> EndSilenceAsync(Guid silenceId, AlertService alerts, CancellationToken ct)
    {
        await alerts.EndSilenceAsync(silenceId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<AlertRuleRow> RuleAsync(AlertService alerts, Guid id, CancellationToken ct, string? field = null) =>
        (await alerts.ListRulesAsync(ct)).FirstOrDefault(r => r.Id == id)
        ?? (field is null ? throw new NotFoundException("That alert rule does not exist.") : throw new ApiFieldException(field, "That alert rule does not exist."));

    /// <summary>The rule's own checks, reported at their field before the service looks at the workspace.</summary>
    private static AlertRuleInput Checked(AlertRuleInput input)
    {
        static void At(string field, Action check)
        {
            try
            {
                check();
            }
            catch (DomainException e)
            {
                throw new ApiFieldException(field, e.Message);
            }
        }

        At("name", () => AlertRule.ValidateName(input.Name ?? string.Empty));
        if (input.Scope is null)
        {
            throw new ApiFieldException("scope", "Say what the rule watches (scope.kind).");
        }

        if (input.Condition is null)
        {
            throw new ApiFieldException("condition", "Say when the rule fires (condition.kind).");
        }

        At("scope", () => input.Scope.Validate());
        At("condition", () => input.Condition.Validate());
        At("timing", () => input.Timing.Validate());
        if (input.ChannelIds is null || input.ChannelIds.Count == 0)
        {
            throw new ApiFieldException("channelIds", "Choose at least one channel the rule notifies.");
        }

        return input;
    }
}
