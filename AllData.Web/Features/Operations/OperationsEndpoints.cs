using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Infrastructure.Flink;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Studio;
using AllData.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AllData.Web.Features.Operations;

/// <summary>
/// Starts a run (Operator). Without a body (or without <see cref="VersionId"/>) it runs the job's latest published
/// version; <see cref="VersionId"/> pins a version. <see cref="Parameters"/> are extra <c>${variables}</c> for this run.
/// </summary>
public sealed record StartRunBody(Guid? VersionId, IReadOnlyDictionary<string, string>? Parameters);

/// <summary>A run as the API shows it: the list columns, the version that ran, the error, and the status history.</summary>
public sealed record RunView(RunListItem Run, Guid? JobVersionId, int? VersionNumber, string? ErrorMessage, IReadOnlyList<RunHistoryItem> History,
    RunPreparationError? PreparationError = null)
{
    public static RunView Of(RunDetail detail, RunPreparationError? preparation = null) =>
        new(detail.Run, detail.JobVersionId, detail.VersionNumber, detail.ErrorMessage, detail.History, preparation);
}

public static class OperationsEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private const int LogBatch = 1000;

    public static RouteGroupBuilder MapOperationsEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/jobs/{jobId:guid}/runs", StartAsync).Permits(ApiScopes.Run).WithTags("Runs")
            .WithName("StartRun")
            .WithSummary("Starts a run of the job, its latest published version unless a version is given (Operator). " +
                         "With an Idempotency-Key header a retry returns the run the first request started (kept 24 hours).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        var runs = api.MapGroup("/runs").WithTags("Runs");
        runs.MapGet("/", ListAsync).Permits(ApiScopes.Read)
            .WithName("ListRuns").WithSummary("Runs of the workspace, newest first, filtered by job and status, a page at a time.");
        runs.MapGet("/{runId:guid}", GetAsync).Permits(ApiScopes.Read)
            .WithName("GetRun").WithSummary("One run with its status history.").ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{runId:guid}/cancel", CancelAsync).Permits(ApiScopes.Run)
            .WithName("CancelRun").WithSummary("Asks the run to stop (Operator); answers with the run, which ends Canceled shortly.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{runId:guid}/history", HistoryAsync).Permits(ApiScopes.Read)
            .WithName("GetRunHistory").WithSummary("The run's status changes, oldest first.").ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{runId:guid}/logs", StreamLogsAsync).Permits(ApiScopes.Read)
            .WithName("StreamRunLogs")
            .WithSummary("The run's log lines after sequence 'since' as NDJSON (one RunLogEntry per line); with follow=true the " +
                         "response stays open and streams new lines until the run ends.")
            .Produces<RunLogEntry>(StatusCodes.Status200OK, "application/x-ndjson")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{runId:guid}/log", DownloadLogAsync).Permits(ApiScopes.Read)
            .WithName("DownloadRunLog").WithSummary("The whole log of a run as plain text, streamed.")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{runId:guid}/savepoints", TriggerSavepointAsync).Permits(ApiScopes.Run).WithTags("Flink")
            .WithName("TriggerSavepoint")
            .WithSummary("Triggers a savepoint of a live Flink run (Operator) and answers when Flink finished it (completed, failed or timed out).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{runId:guid}/savepoints", ListSavepointsAsync).Permits(ApiScopes.Read).WithTags("Flink")
            .WithName("ListSavepoints").WithSummary("The run's savepoint operations with their status, newest first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Accepted<RunView>, ProblemHttpResult>> StartAsync(
        Guid jobId, StartRunBody? request, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        RunCommands commands, JobService jobs, RunRequestKeys keys, OperationsQueries queries, CancellationToken ct)
    {
        request ??= new StartRunBody(null, null);
        RunPreparationError? preparation = null;
        async Task<Guid> Start(CancellationToken token)
        {
            var started = await StartRunAsync(jobId, request, jobs, commands, token);
            preparation = started.PreparationError;
            return started.RunId;
        }

        Guid runId;
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            runId = await Start(ct);
        }
        else
        {
            var fingerprint = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { jobId, request.VersionId, request.Parameters })));
            (runId, _) = await keys.StartOnceAsync(idempotencyKey, fingerprint, Start, ct);
        }

        var detail = await queries.DetailAsync(runId, ct) ?? throw new NotFoundException("That run does not exist.");
        return TypedResults.Accepted($"{ApiSetup.Prefix}/runs/{runId}", RunView.Of(detail, preparation));
    }

    /// <summary>The API's one way to start a run: through <see cref="RunCommands"/>, as the token's user.</summary>
    private static async Task<RunStarted> StartRunAsync(Guid jobId, StartRunBody request, JobService jobs, RunCommands commands, CancellationToken ct)
    {
        var job = await jobs.GetAsync(jobId, ct);
        if (request.VersionId is null && job.LatestVersionNumber == 0)
        {
            throw new DomainException($"'{job.Name}' has no published version yet: publish it first.");
        }

        return await commands.StartAsync(new StartRunRequest(jobId, RunTrigger.Api)
        {
            VersionId = request.VersionId,
            LatestPublished = request.VersionId is null,
            Parameters = request.Parameters,
        }, ct);
    }

    private static async Task<Ok<PageOf<RunListItem>>> ListAsync(OperationsQueries queries, Guid? jobId, RunStatus? status, int? page, int? pageSize,
        CancellationToken ct)
    {
        var size = Paging.Size(pageSize);
        var index = Math.Max(0, page ?? 0);
        var result = await queries.ListAsync(new RunListQuery
        {
            JobId = jobId, Statuses = status is { } s ? [s] : [], Page = index, PageSize = size,
        }, ct);
        return TypedResults.Ok(new PageOf<RunListItem>(result.Items, result.TotalCount, index, size));
    }

    private static async Task<Ok<RunView>> GetAsync(Guid runId, OperationsQueries queries, CancellationToken ct) =>
        TypedResults.Ok(RunView.Of(await DetailAsync(runId, queries, ct)));

    private static async Task<Accepted<RunView>> CancelAsync(Guid runId, RunCommands commands, OperationsQueries queries, CancellationToken ct)
    {
        await DetailAsync(runId, queries, ct);
        await commands.CancelAsync(runId, ct);
        return TypedResults.Accepted($"{ApiSetup.Prefix}/runs/{runId}", RunView.Of(await DetailAsync(runId, queries, ct)));
    }

    private static async Task<Ok<IReadOnlyList<RunHistoryItem>>> HistoryAsync(Guid runId, OperationsQueries queries, CancellationToken ct) =>
        TypedResults.Ok((await DetailAsync(runId, queries, ct)).History);

    private static async Task<RunDetail> DetailAsync(Guid runId, OperationsQueries queries, CancellationToken ct) =>
        await queries.DetailAsync(runId, ct) ?? throw new NotFoundException("That run does not exist.");

    private static async Task<EmptyHttpResult> StreamLogsAsync(Guid runId, long? since, bool? follow, OperationsQueries queries, HttpContext http,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        await DetailAsync(runId, queries, ct);
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        var after = Math.Max(0, since ?? 0);
        while (true)
        {
            // The status is read before the lines: a run writes its last line before it becomes final, so none is missed.
            var ended = follow != true || (await queries.DetailAsync(runId, ct))?.Run.Status.IsFinal() != false;
            var lines = await queries.LogAfterAsync(runId, after, LogBatch, ct);
            foreach (var line in lines)
            {
                await JsonSerializer.SerializeAsync(http.Response.Body, line, json.Value.SerializerOptions, ct);
                await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
                after = line.Sequence;
            }

            await http.Response.Body.FlushAsync(ct);
            if (lines.Count == LogBatch)
            {
                continue;
            }

            if (ended)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }

        return TypedResults.Empty;
    }

    private static async Task<EmptyHttpResult> DownloadLogAsync(Guid runId, OperationsQueries queries, HttpContext http,
        CancellationToken ct)
    {
        if (!await queries.ExistsAsync(runId, ct))
        {
            throw new NotFoundException("That run does not exist.");
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

    private static async Task<Ok<FlinkSavepointOperationView>> TriggerSavepointAsync(Guid runId, FlinkJobOperations flink, OperationsQueries queries,
        CancellationToken ct)
    {
        await DetailAsync(runId, queries, ct);
        return TypedResults.Ok(await flink.TriggerSavepointAsync(runId, ct));
    }

    private static async Task<Ok<IReadOnlyList<FlinkSavepointOperationView>>> ListSavepointsAsync(Guid runId, FlinkJobOperations flink,
        OperationsQueries queries, CancellationToken ct)
    {
        await DetailAsync(runId, queries, ct);
        return TypedResults.Ok(await flink.GetSavepointOperationsAsync(runId, ct));
    }
}
