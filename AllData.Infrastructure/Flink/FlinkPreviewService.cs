using AllData.Infrastructure.Jobs;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Studio;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Flink;

public enum FlinkPreviewState
{
    Running,
    Completed,
    Capped,
    Stopped,
    Failed,
}

/// <summary>One changelog row of a preview: its kind (+I, -U, +U, -D) and its values as text.</summary>
public sealed record FlinkPreviewRow(string Kind, IReadOnlyList<string?> Values);

/// <summary>A snapshot of a preview for the studio's grid.</summary>
public sealed record FlinkPreviewView(
    Guid Id, Guid JobId, FlinkPreviewState State, IReadOnlyList<string> Columns, IReadOnlyList<FlinkPreviewRow> Rows, int RowCap, string? Error);

/// <summary>A preview received rows or changed state: the page re-reads <see cref="FlinkPreviewService.Get"/>.</summary>
public sealed record FlinkPreviewChanged(Guid WorkspaceId, Guid PreviewId, FlinkPreviewState State, int RowCount) : LiveEvent(WorkspaceId);

/// <summary>Previews in flight and their bounded rows (in memory; a preview is a look, not a record).</summary>
internal sealed class FlinkPreviewStore
{
    private readonly ConcurrentDictionary<Guid, FlinkPreview> _previews = new();

    public void Add(FlinkPreview preview)
    {
        // Keep the store small: finished previews older than the newest hundred go.
        foreach (var old in _previews.Values.Where(p => p.State != FlinkPreviewState.Running).OrderByDescending(p => p.Sequence).Skip(100))
        {
            _previews.TryRemove(old.Id, out _);
        }

        _previews[preview.Id] = preview;
    }

    public FlinkPreview? Find(Guid id) => _previews.GetValueOrDefault(id);
}

internal sealed class FlinkPreview(Guid workspaceId, Guid jobId, int rowCap, FlinkSqlGatewayClient gateway)
{
    private static long s_sequence;
    private readonly Lock _gate = new();
    private readonly List<FlinkPreviewRow> _rows = [];
    private IReadOnlyList<string> _columns = [];

    public Guid Id { get; } = Guid.NewGuid();

    public long Sequence { get; } = Interlocked.Increment(ref s_sequence);

    public Guid WorkspaceId { get; } = workspaceId;

    public Guid JobId { get; } = jobId;

    public int RowCap { get; } = rowCap;

    public FlinkSqlGatewayClient Gateway { get; } = gateway;

    public CancellationTokenSource Stopping { get; } = new();

    public string? Session { get; set; }

    public string? Operation { get; set; }

    public FlinkPreviewState State { get; private set; } = FlinkPreviewState.Running;

    public string? Error { get; private set; }

    public Task Pump { get; set; } = Task.CompletedTask;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _rows.Count;
            }
        }
    }

    /// <summary>Adds rows up to the cap; true when the cap is reached.</summary>
    public bool Append(IReadOnlyList<string> columns, IEnumerable<FlinkPreviewRow> rows)
    {
        lock (_gate)
        {
            if (_columns.Count == 0 && columns.Count > 0)
            {
                _columns = columns;
            }

            foreach (var row in rows)
            {
                if (_rows.Count >= RowCap)
                {
                    break;
                }

                _rows.Add(row);
            }

            return _rows.Count >= RowCap;
        }
    }

    /// <summary>Moves out of Running once; false when it already ended.</summary>
    public bool End(FlinkPreviewState state, string? error = null)
    {
        lock (_gate)
        {
            if (State != FlinkPreviewState.Running)
            {
                return false;
            }

            State = state;
            Error = error;
            return true;
        }
    }

    public FlinkPreviewView View()
    {
        lock (_gate)
        {
            return new FlinkPreviewView(Id, JobId, State, _columns, [.. _rows], RowCap, Error);
        }
    }
}

/// <summary>
/// Flink SQL preview and EXPLAIN through the cluster's SQL Gateway (Developer role). A preview opens a session with the job's
/// Flink configuration, runs the SET and DDL statements before the query at the cursor, then the query, and streams its
/// changelog rows (+I, -U, +U, -D) into a bounded in-memory preview, publishing <see cref="FlinkPreviewChanged"/>. It ends at
/// the end of the stream, at the row cap or on Stop; each end cancels and closes the operation and closes the session, which
/// cancels the query's Flink job.
/// </summary>
internal sealed class FlinkPreviewService(
    AppDb appDb, FlinkClusterConnections connections, FlinkPreviewStore store, ILiveEvents events, ScriptPreparation preparation,
    ILogger<FlinkPreviewService> logger)
{
    public const int DefaultRowCap = 1_000;

    /// <summary>How long the pump waits when the gateway has no new rows yet.</summary>
    internal static TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A preview nobody stops (its tab was closed) stops itself after this long, releasing its Flink job.</summary>
    internal static TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan StatementTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Starts previewing the query at <paramref name="cursorOffset"/> (or the last query in the selection) of
    /// <paramref name="text"/>, a Flink SQL script of the job. Rows: <paramref name="rowCap"/>, else the job's row cap up to 1,000.
    /// </summary>
    public async Task<Guid> StartPreviewAsync(
        Guid jobId, string text, int cursorOffset, (int Start, int End)? selection = null, int? rowCap = null, CancellationToken ct = default)
    {
        var (job, gateway, configuration, workspaceId, variables) = await ResolveAsync(jobId, ct);
        var (setup, query) = Prepare(text, script => PickQuery(script, cursorOffset, selection), variables);
        var cap = rowCap is > 0 ? rowCap.Value : Math.Min(job.RowCap, DefaultRowCap);
        var preview = new FlinkPreview(workspaceId, jobId, cap, gateway);
        store.Add(preview);
        var session = await gateway.OpenSessionAsync($"alldata-preview-{preview.Id:N}", configuration, ct);
        preview.Session = session;
        preview.Stopping.CancelAfter(MaxDuration);
        preview.Pump = Task.Run(() => PumpAsync(preview, setup, query, configuration), CancellationToken.None);
        return preview.Id;
    }

    /// <summary>The preview's rows and state; null when unknown (or another workspace's).</summary>
    public FlinkPreviewView? Get(Guid previewId) => store.Find(previewId) is { } p ? p.View() : null;

    /// <summary>Stops a running preview: cancels and closes its operation and closes its session (cancelling its Flink job).</summary>
    public async Task StopPreviewAsync(Guid previewId, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await db.DisposeAsync();
        var preview = store.Find(previewId);
        if (preview is null || preview.WorkspaceId != access.WorkspaceId)
        {
            throw new DomainException("That preview does not exist.");
        }

        if (preview.End(FlinkPreviewState.Stopped))
        {
            await preview.Stopping.CancelAsync();
            await ReleaseAsync(preview);
            Publish(preview);
        }

        await preview.Pump;
    }

    /// <summary>
    /// The gateway's plan for the statement at <paramref name="cursorOffset"/>: runs the SET and DDL statements before it, then
    /// <c>EXPLAIN</c> of it, and returns the plan text.
    /// </summary>
    public async Task<string> ExplainAsync(Guid jobId, string text, int cursorOffset, CancellationToken ct = default)
    {
        var (_, gateway, configuration, _, variables) = await ResolveAsync(jobId, ct);
        var (setupStatements, statement) = Prepare(text, script => script.StatementAt(cursorOffset)
            ?? script.Statements.LastOrDefault(s => s.StartOffset <= cursorOffset)
            ?? throw new DomainException("Put the cursor on the statement to explain."), variables);
        var session = await gateway.OpenSessionAsync($"alldata-explain-{Guid.NewGuid():N}", configuration, ct);
        try
        {
            foreach (var setup in setupStatements)
            {
                await RunToEndAsync(gateway, session, setup, configuration, ct);
            }

            var explain = GatewayText(statement);
            if (!explain.StartsWith("EXPLAIN", StringComparison.OrdinalIgnoreCase))
            {
                explain = "EXPLAIN " + explain;
            }

            var operation = await gateway.ExecuteStatementAsync(session, explain, configuration, ct);
            try
            {
                await WaitAsync(gateway, session, operation, ct);
                var plan = new StringBuilder();
                var page = await gateway.FetchResultsAsync(session, operation, 0, ct);
                while (true)
                {
                    foreach (var row in page.Rows)
                    {
                        plan.Append(string.Join('\n', row.Fields.Select(Text)));
                    }

                    if (page.ResultType == FlinkSqlResultType.Eos || page.NextResultUri is null)
                    {
                        break;
                    }

                    page = await gateway.FetchNextAsync(page, ct);
                }

                return plan.ToString();
            }
            finally
            {
                await QuietlyAsync(() => gateway.CloseOperationAsync(session, operation, CancellationToken.None));
            }
        }
        catch (FlinkRestException e)
        {
            throw new DomainException($"The gateway refused the statement: {e.RootCause}");
        }
        finally
        {
            await QuietlyAsync(() => gateway.CloseSessionAsync(session, CancellationToken.None));
        }
    }

    private async Task PumpAsync(FlinkPreview preview, IReadOnlyList<SqlStatement> setup, SqlStatement query, IReadOnlyDictionary<string, string> configuration)
    {
        var ct = preview.Stopping.Token;
        var gateway = preview.Gateway;
        var session = preview.Session!;
        try
        {
            foreach (var statement in setup)
            {
                await RunToEndAsync(gateway, session, statement, configuration, ct);
            }

            preview.Operation = await gateway.ExecuteStatementAsync(session, GatewayText(query), configuration, ct);
            var page = await gateway.FetchResultsAsync(session, preview.Operation, 0, ct);
            while (true)
            {
                if (page.Rows.Count > 0)
                {
                    var capped = preview.Append(
                        [.. page.Columns.Select(c => c.Name)],
                        page.Rows.Select(r => new FlinkPreviewRow(r.ShortKind, [.. r.Fields.Select(Text)])));
                    if (capped)
                    {
                        if (preview.End(FlinkPreviewState.Capped))
                        {
                            await ReleaseAsync(preview);
                        }

                        break;
                    }

                    Publish(preview);
                }
                else if (page.Columns.Count > 0)
                {
                    preview.Append([.. page.Columns.Select(c => c.Name)], []);
                }

                if (page.ResultType == FlinkSqlResultType.Eos || page.NextResultUri is null)
                {
                    if (preview.End(FlinkPreviewState.Completed))
                    {
                        await ReleaseAsync(preview);
                    }

                    break;
                }

                if (page.ResultType == FlinkSqlResultType.NotReady || page.Rows.Count == 0)
                {
                    await Task.Delay(PollInterval, ct);
                }

                page = await gateway.FetchNextAsync(page, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped by the user (StopPreviewAsync released the handles) or after MaxDuration (released here).
            if (preview.End(FlinkPreviewState.Stopped))
            {
                await ReleaseAsync(preview);
            }
        }
        catch (Exception e) when (e is FlinkClientException or DomainException or TimeoutException or InvalidOperationException or JsonException)
        {
            var message = e is FlinkRestException rest ? rest.RootCause : e.Message;
            if (preview.End(FlinkPreviewState.Failed, message))
            {
                await ReleaseAsync(preview);
            }
        }

        Publish(preview);
    }

    private async Task ReleaseAsync(FlinkPreview preview)
    {
        var session = preview.Session!;
        if (preview.Operation is { } operation)
        {
            await QuietlyAsync(() => preview.Gateway.CancelOperationAsync(session, operation, CancellationToken.None));
            await QuietlyAsync(() => preview.Gateway.CloseOperationAsync(session, operation, CancellationToken.None));
        }

        await QuietlyAsync(() => preview.Gateway.CloseSessionAsync(session, CancellationToken.None));
    }

    private void Publish(FlinkPreview preview) => events.Publish(new FlinkPreviewChanged(preview.WorkspaceId, preview.Id, preview.State, preview.Count));

    private static async Task RunToEndAsync(
        FlinkSqlGatewayClient gateway, string session, SqlStatement statement, IReadOnlyDictionary<string, string> configuration, CancellationToken ct)
    {
        var operation = await gateway.ExecuteStatementAsync(session, GatewayText(statement), configuration, ct);
        try
        {
            await WaitAsync(gateway, session, operation, ct);
        }
        catch (FlinkRestException e)
        {
            throw new DomainException($"Statement {statement.Index + 1} (line {statement.Start.Line}): {e.RootCause}");
        }
        finally
        {
            try
            {
                await gateway.CloseOperationAsync(session, operation, CancellationToken.None);
            }
            catch (FlinkClientException)
            {
                // Closing is tidying up; the session's close releases it anyway.
            }
        }
    }

    private static async Task WaitAsync(FlinkSqlGatewayClient gateway, string session, string operation, CancellationToken ct)
    {
        var status = await gateway.WaitForOperationAsync(session, operation, FlinkSqlJobEngine.OperationPoll, StatementTimeout, ct);
        if (status == FlinkSqlOperationStatus.Error)
        {
            // The fetch answers HTTP 500 with the SQL error: the only place its text appears.
            await gateway.FetchResultsAsync(session, operation, 0, ct);
            throw new FlinkProtocolException("The statement failed without an error from the gateway.");
        }
    }

    private static SqlStatement PickQuery(SqlScript script, int cursorOffset, (int Start, int End)? selection)
    {
        var candidates = selection is { } s && s.End > s.Start
            ? script.StatementsIn(s.Start, s.End)
            : script.StatementAt(cursorOffset) is { } at ? [at] : [];
        return candidates.LastOrDefault(c => c.Kind == SqlStatementKind.Query)
               ?? throw new DomainException("Put the cursor on a SELECT to preview it.");
    }

    /// <summary>The SET and DDL statements before <paramref name="target"/>: what the query needs (tables, views, options).</summary>
    private static List<SqlStatement> Setup(SqlScript script, SqlStatement target) =>
        [.. script.Statements.Where(s => s.Index < target.Index && s.Kind is SqlStatementKind.Set or SqlStatementKind.Ddl)];

    private static string GatewayText(SqlStatement s) => s.Text.Trim().TrimEnd(';').Trim();

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    /// <summary>
    /// The setup statements before the target that <paramref name="pick"/> chooses, and the target, with <c>${variables}</c>
    /// substituted as for a run (through the one <see cref="ScriptPreparation"/>).
    /// </summary>
    private static (List<SqlStatement> Setup, SqlStatement Target) Prepare(
        string text, Func<SqlScript, SqlStatement> pick, ResolvedVariables variables)
    {
        try
        {
            var prepared = ScriptPreparation.Prepare(text, SqlDialect.FlinkSql, variables, script =>
            {
                var target = pick(script);
                return [.. Setup(script, target), target];
            });
            return ([.. prepared.Statements.Take(prepared.Statements.Count - 1)], prepared.Statements[^1]);
        }
        catch (SqlScriptException e)
        {
            throw new DomainException(e.Message);
        }
    }

    private async Task<(Job Job, FlinkSqlGatewayClient Gateway, IReadOnlyDictionary<string, string> Configuration, Guid WorkspaceId,
        ResolvedVariables Variables)> ResolveAsync(
        Guid jobId, CancellationToken ct)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "preview and explain Flink SQL");

            var job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct) ?? throw new DomainException("That job does not exist.");
            if (job.Type != JobType.FlinkSql)
            {
                throw new DomainException("Only Flink SQL jobs preview through the SQL Gateway.");
            }

            var settings = job.FlinkSettings.Validate();
            var clusterId = settings.ClusterId ?? throw new DomainException("Choose a Flink cluster in the job's Flink settings first.");
            var cluster = await db.Set<FlinkCluster>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == clusterId, ct)
                          ?? throw new DomainException("The job's Flink cluster no longer exists.");
            var gateway = connections.SqlGateway(connections.TargetOf(cluster));
            var configuration = settings.ToFlinkConfiguration($"{job.Name}-preview", null)
                .Where(p => !p.Key.StartsWith("execution.savepoint", StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => p.Value);
            var variables = await preparation.ResolveAsync(db, job.Variables, null, ct);
            return (job, gateway, configuration, access.WorkspaceId, variables);
        }
    }

    private async Task QuietlyAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (FlinkClientException e)
        {
            logger.LogInformation("Releasing a preview's SQL Gateway handle failed: {Error}", e.Message);
        }
    }
}
