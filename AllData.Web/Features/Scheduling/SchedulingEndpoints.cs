using AllData.Domain.Identity;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Quality;
using AllData.Infrastructure.Scheduling;
using AllData.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllData.Web.Features.Scheduling;

/// <summary>A schedule as the API shows it: its timing, its behaviour, the cron in words and the next fire times.</summary>
public sealed record ScheduleView(
    Guid Id, string Name, Guid JobId, string JobName, ScheduleKind Kind, string? Cron, int? IntervalSeconds, string TimeZoneId,
    DateTimeOffset? StartAt, DateTimeOffset? EndAt, Guid? PinnedVersionId, Guid? CalendarId, bool Enabled, OverlapPolicy Overlap,
    MisfirePolicy Misfire, int RetryCount, int RetryDelaySeconds, bool RetryExponential, int? TimeoutSeconds, string CreatedBy,
    DateTimeOffset CreatedAt, string? UpdatedBy, DateTimeOffset? UpdatedAt, IReadOnlyList<CronPhrase> Words, IReadOnlyList<DateTimeOffset> NextFires)
{
    public static ScheduleView Of(ScheduleDetail d)
    {
        var s = d.Schedule;
        return new(s.Id, s.Name, s.JobId, d.JobName, s.Kind, s.Cron, s.IntervalSeconds, s.TimeZoneId, s.StartAt, s.EndAt, s.PinnedVersionId,
            s.CalendarId, s.Enabled, s.Overlap, s.Misfire, s.RetryCount, s.RetryDelaySeconds, s.RetryExponential, s.TimeoutSeconds, s.CreatedBy,
            s.CreatedAt, s.UpdatedBy, s.UpdatedAt, d.Words, d.NextFires);
    }
}

/// <summary>Runs the schedule's job now, as a slot of its ledger for <see cref="LogicalTime"/> (default: now, to the second).</summary>
public sealed record RunScheduleNowBody(DateTimeOffset? LogicalTime);

/// <summary>A workflow edge: the job runs after <see cref="UpstreamJobId"/> of the same (or the previous) data date.</summary>
public sealed record AddDependencyBody(Guid UpstreamJobId, DependencyDate Date = DependencyDate.SameDate, UpstreamFailurePolicy OnFailure = UpstreamFailurePolicy.Wait);

/// <summary>A catalog table the job reads or writes.</summary>
public sealed record AddJobTableBody(Guid TableId, AllData.Domain.Quality.JobTableAccess Access);

/// <summary>Schedules: Viewers read, Developers create, change and delete, Operators pause, resume, run now and backfill.</summary>
public static class SchedulingEndpoints
{
    public static RouteGroupBuilder MapSchedulingEndpoints(this RouteGroupBuilder api)
    {
        var schedules = api.MapGroup("/schedules").WithTags("Schedules");
        schedules.MapGet("/", ListAsync).Permits(ApiScopes.Read)
            .WithName("ListSchedules").WithSummary("The workspace's schedules (of one job with 'jobId') with their next fire and last slot, by name, a page at a time.");
        schedules.MapGet("/{scheduleId:guid}", GetAsync).Permits(ApiScopes.Read)
            .WithName("GetSchedule").WithSummary("One schedule with its cron in words and its next 10 fire times.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/", CreateAsync).Permits(ApiScopes.Write)
            .WithName("CreateSchedule")
            .WithSummary("Creates a schedule of a published job (Developer). Bad input answers 400 with the problem under its field in 'errors'.")
            .ProducesValidationProblem();
        schedules.MapPut("/{scheduleId:guid}", UpdateAsync).Permits(ApiScopes.Write)
            .WithName("UpdateSchedule").WithSummary("Changes a schedule (Developer); a schedule stays with its job.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapDelete("/{scheduleId:guid}", DeleteAsync).Permits(ApiScopes.Write)
            .WithName("DeleteSchedule").WithSummary("Deletes a schedule and its trigger (Developer).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/{scheduleId:guid}/pause", PauseAsync).Permits(ApiScopes.Run)
            .WithName("PauseSchedule").WithSummary("Pauses a schedule (Operator): it fires no more until resumed.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/{scheduleId:guid}/resume", ResumeAsync).Permits(ApiScopes.Run)
            .WithName("ResumeSchedule").WithSummary("Resumes a paused schedule (Operator); slots missed while paused are not run.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/{scheduleId:guid}/runs", RunNowAsync).Permits(ApiScopes.Run)
            .WithName("RunScheduleNow")
            .WithSummary("Runs the schedule's job now for a logical time (default: now) as a slot of its ledger (Operator); " +
                         "${logical_date} and friends resolve from that time. A second call for the same logical time is counted as a duplicate.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapGet("/{scheduleId:guid}/slots", LedgerAsync).Permits(ApiScopes.Read)
            .WithName("GetScheduleLedger")
            .WithSummary("The schedule's ledger, newest slot first (up to 1000): each logical time with its state, source, run and attempts; 'state' filters.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/{scheduleId:guid}/backfills/preview", PreviewBackfillAsync).Permits(ApiScopes.Run)
            .WithName("PreviewBackfill")
            .WithSummary("The exact slots a backfill would run (Operator): each slot of the range (days in the schedule's time zone) with its ledger " +
                         "standing, whether it runs and in which place, or why not (holiday, succeeded, failed, active); and the downstream fan-out.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/{scheduleId:guid}/backfills", CreateBackfillAsync).Permits(ApiScopes.Run)
            .WithName("CreateBackfill")
            .WithSummary("Starts a backfill (Operator): the preview's plan is stored and run with at most 'parallelism' slots at once. " +
                         "A range with nothing to run answers 400 under 'range'.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapGet("/{scheduleId:guid}/backfills", ListBackfillsAsync).Permits(ApiScopes.Read)
            .WithName("ListBackfills").WithSummary("The schedule's backfills, newest first, with their progress.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var workflows = api.MapGroup("").WithTags("Workflows");
        workflows.MapGet("/jobs/{jobId:guid}/dependencies", DependenciesAsync).Permits(ApiScopes.Read)
            .WithName("ListJobDependencies").WithSummary("The job's upstream and downstream dependencies.");
        workflows.MapPost("/jobs/{jobId:guid}/dependencies", AddDependencyAsync).Permits(ApiScopes.Write)
            .WithName("AddJobDependency")
            .WithSummary("The job's scheduled slots start only after the upstream succeeded for the same (or the previous) data date (Developer). " +
                         "An edge that would close a cycle answers 400 naming the cycle.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        workflows.MapDelete("/dependencies/{dependencyId:guid}", RemoveDependencyAsync).Permits(ApiScopes.Write)
            .WithName("RemoveJobDependency").WithSummary("Removes a dependency (Developer).");
        workflows.MapGet("/dependencies/graph", GraphAsync).Permits(ApiScopes.Read)
            .WithName("GetDependencyGraph")
            .WithSummary("The workspace's dependency graph in columns, each job with its state for 'date' (yyyy-MM-dd, default today, UTC).");
        workflows.MapGet("/jobs/{jobId:guid}/tables", JobTablesAsync).Permits(ApiScopes.Read)
            .WithName("ListJobTables").WithSummary("The catalog tables the job reads (with their quality gate) and writes.");
        workflows.MapPost("/jobs/{jobId:guid}/tables", AddJobTableAsync).Permits(ApiScopes.Write)
            .WithName("AddJobTable")
            .WithSummary("Declares a table the job reads (its slots wait while a blocking quality rule fails) or writes (scanned after each successful run) (Developer).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        workflows.MapDelete("/job-tables/{jobTableId:guid}", RemoveJobTableAsync).Permits(ApiScopes.Write)
            .WithName("RemoveJobTable").WithSummary("Removes a declared table of a job (Developer).");

        var backfills = api.MapGroup("/backfills").WithTags("Schedules");
        backfills.MapGet("/{backfillId:guid}", GetBackfillAsync).Permits(ApiScopes.Read)
            .WithName("GetBackfill").WithSummary("One backfill with its progress: items pending, active, succeeded, failed, skipped and canceled.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        backfills.MapGet("/{backfillId:guid}/items", BackfillItemsAsync).Permits(ApiScopes.Read)
            .WithName("ListBackfillItems").WithSummary("A backfill's slots in run order, with their state and run.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        backfills.MapPost("/{backfillId:guid}/pause", PauseBackfillAsync).Permits(ApiScopes.Run)
            .WithName("PauseBackfill").WithSummary("Pauses a running backfill (Operator): nothing more starts; running slots go on.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        backfills.MapPost("/{backfillId:guid}/resume", ResumeBackfillAsync).Permits(ApiScopes.Run)
            .WithName("ResumeBackfill").WithSummary("Resumes a paused backfill (Operator).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        backfills.MapPost("/{backfillId:guid}/cancel", CancelBackfillAsync).Permits(ApiScopes.Run)
            .WithName("CancelBackfill").WithSummary("Cancels a backfill (Operator): slots not started are canceled, waiting ones skipped, running runs stopped.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<DependencyRow>>> DependenciesAsync(Guid jobId, DependencyService dependencies, CancellationToken ct) =>
        TypedResults.Ok(await dependencies.ListAsync(jobId, ct));

    private static async Task<Created<IReadOnlyList<DependencyRow>>> AddDependencyAsync(Guid jobId, AddDependencyBody request, DependencyService dependencies,
        CancellationToken ct)
    {
        var id = await dependencies.AddAsync(jobId, request.UpstreamJobId, request.Date, request.OnFailure, ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/dependencies/{id}", await dependencies.ListAsync(jobId, ct));
    }

    private static async Task<NoContent> RemoveDependencyAsync(Guid dependencyId, DependencyService dependencies, CancellationToken ct)
    {
        await dependencies.RemoveAsync(dependencyId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<WorkflowGraph>> GraphAsync(DateOnly? date, DependencyService dependencies, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await dependencies.GraphAsync(date ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct));

    private static async Task<Ok<IReadOnlyList<JobTableRow>>> JobTablesAsync(Guid jobId, JobTableService tables, CancellationToken ct) =>
        TypedResults.Ok(await tables.ListAsync(jobId, ct));

    private static async Task<Created<IReadOnlyList<JobTableRow>>> AddJobTableAsync(Guid jobId, AddJobTableBody request, JobTableService tables, CancellationToken ct)
    {
        var id = await tables.AddAsync(jobId, request.TableId, request.Access, ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/job-tables/{id}", await tables.ListAsync(jobId, ct));
    }

    private static async Task<NoContent> RemoveJobTableAsync(Guid jobTableId, JobTableService tables, CancellationToken ct)
    {
        await tables.RemoveAsync(jobTableId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<BackfillPreview>> PreviewBackfillAsync(Guid scheduleId, BackfillRequest request, BackfillService backfills, CancellationToken ct) =>
        TypedResults.Ok(await backfills.PreviewAsync(scheduleId, request, ct));

    private static async Task<Created<BackfillRow>> CreateBackfillAsync(Guid scheduleId, BackfillRequest request, BackfillService backfills, CancellationToken ct)
    {
        var id = await backfills.CreateAsync(scheduleId, request, ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/backfills/{id}", await backfills.GetAsync(id, ct));
    }

    private static async Task<Ok<IReadOnlyList<BackfillRow>>> ListBackfillsAsync(Guid scheduleId, ScheduleService schedules, BackfillService backfills,
        CancellationToken ct)
    {
        await schedules.GetAsync(scheduleId, ct);
        return TypedResults.Ok(await backfills.ListAsync(scheduleId, ct));
    }

    private static async Task<Ok<BackfillRow>> GetBackfillAsync(Guid backfillId, BackfillService backfills, CancellationToken ct) =>
        TypedResults.Ok(await backfills.GetAsync(backfillId, ct));

    private static async Task<Ok<IReadOnlyList<BackfillItemRow>>> BackfillItemsAsync(Guid backfillId, BackfillService backfills, CancellationToken ct) =>
        TypedResults.Ok(await backfills.ItemsAsync(backfillId, ct));

    private static async Task<Ok<BackfillRow>> PauseBackfillAsync(Guid backfillId, BackfillService backfills, CancellationToken ct)
    {
        await backfills.PauseAsync(backfillId, ct);
        return TypedResults.Ok(await backfills.GetAsync(backfillId, ct));
    }

    private static async Task<Ok<BackfillRow>> ResumeBackfillAsync(Guid backfillId, BackfillService backfills, CancellationToken ct)
    {
        await backfills.ResumeAsync(backfillId, ct);
        return TypedResults.Ok(await backfills.GetAsync(backfillId, ct));
    }

    private static async Task<Ok<BackfillRow>> CancelBackfillAsync(Guid backfillId, BackfillService backfills, CancellationToken ct)
    {
        await backfills.CancelAsync(backfillId, ct);
        return TypedResults.Ok(await backfills.GetAsync(backfillId, ct));
    }

    private static async Task<Ok<PageOf<ScheduleRow>>> ListAsync(ScheduleService schedules, Guid? jobId, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(Paging.PageOf(await schedules.ListAsync(jobId, ct), page, pageSize));

    private static async Task<Ok<ScheduleView>> GetAsync(Guid scheduleId, ScheduleService schedules, CancellationToken ct) =>
        TypedResults.Ok(ScheduleView.Of(await schedules.GetAsync(scheduleId, ct)));

    private static async Task<Created<ScheduleView>> CreateAsync(ScheduleInput request, ScheduleService schedules, CancellationToken ct)
    {
        var id = await schedules.CreateAsync(request, ct);
        return TypedResults.Created($"{ApiSetup.Prefix}/schedules/{id}", ScheduleView.Of(await schedules.GetAsync(id, ct)));
    }

    private static async Task<Ok<ScheduleView>> UpdateAsync(Guid scheduleId, ScheduleInput request, ScheduleService schedules, CancellationToken ct)
    {
        await schedules.UpdateAsync(scheduleId, request, ct);
        return TypedResults.Ok(ScheduleView.Of(await schedules.GetAsync(scheduleId, ct)));
    }

    private static async Task<NoContent> DeleteAsync(Guid scheduleId, ScheduleService schedules, CancellationToken ct)
    {
        await schedules.DeleteAsync(scheduleId, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ScheduleView>> PauseAsync(Guid scheduleId, ScheduleService schedules, CancellationToken ct)
    {
        await schedules.PauseAsync(scheduleId, ct);
        return TypedResults.Ok(ScheduleView.Of(await schedules.GetAsync(scheduleId, ct)));
    }

    private static async Task<Ok<ScheduleView>> ResumeAsync(Guid scheduleId, ScheduleService schedules, CancellationToken ct)
    {
        await schedules.ResumeAsync(scheduleId, ct);
        return TypedResults.Ok(ScheduleView.Of(await schedules.GetAsync(scheduleId, ct)));
    }

    private static async Task<Accepted<FireOutcome>> RunNowAsync(Guid scheduleId, RunScheduleNowBody? request, ScheduleService schedules, CancellationToken ct)
    {
        var outcome = await schedules.RunNowAsync(scheduleId, request?.LogicalTime, ct);
        return TypedResults.Accepted(outcome.RunId is { } run ? $"{ApiSetup.Prefix}/runs/{run}" : $"{ApiSetup.Prefix}/schedules/{scheduleId}/slots", outcome);
    }

    private static async Task<Ok<PageOf<SlotRow>>> LedgerAsync(Guid scheduleId, SlotState? state, int? page, int? pageSize, ScheduleService schedules,
        CancellationToken ct)
    {
        await schedules.GetAsync(scheduleId, ct);
        return TypedResults.Ok(Paging.PageOf(await schedules.LedgerAsync(scheduleId, state, 1000, ct), page, pageSize));
    }
}
