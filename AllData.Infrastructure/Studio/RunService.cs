using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Domain.Studio;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Studio;

public sealed record RunSummary(Guid Id, Guid JobId, RunStatus Status, DateTimeOffset CreatedAt, string? ErrorMessage, string? ResultSummary);

/// <summary>
/// Runs as the signed-in user sees them: start (Developers run drafts, Operators published versions), stop
/// (Operators), read the log, the studio results, and the full CSV of one statement.
/// </summary>
internal sealed class RunService(
    AppDb appDb,
    WorkspaceContext workspace,
    RunCommands commands,
    StudioResultStore results,
    DatabaseSqlJobEngine databaseEngine,
    DatabaseSqlEngine engine)
{
    public async Task<RunStarted> StartAsync(Guid jobId, RunTrigger trigger, Guid? versionId = null, StatementRange? range = null,
        CancellationToken ct = default)
    {
        return await commands.StartAsync(new StartRunRequest(jobId, trigger) { VersionId = versionId, Range = range }, ct);
    }

    public async Task CancelAsync(Guid runId, CancellationToken ct = default)
    {
        await commands.CancelAsync(runId, ct);
    }

    public async Task<RunSummary> GetAsync(Guid runId, CancellationToken ct = default)
    {
        var run = await RunAsync(runId, ct);
        return new RunSummary(run.Id, run.JobId, run.Status, run.CreatedAt, run.ErrorMessage, run.ResultSummary);
    }

    public async Task<IReadOnlyList<RunLogEntry>> GetLogAsync(Guid runId, int take = 2000, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await db.Set<RunLogLine>().AsNoTracking().Where(l => l.RunId == runId).OrderBy(l => l.Sequence).Take(take)
            .Select(l => new RunLogEntry(l.Sequence, l.At, l.Level, l.Text)).ToListAsync(ct);
    }

    /// <summary>The studio results of a run of this workspace, while this process holds them.</summary>
    public async Task<StudioRunResults?> GetResultsAsync(Guid runId, CancellationToken ct = default)
    {
        var access = await workspace.RequireWorkspaceAsync(ct);
        return results.Find(runId) is { } found && found.WorkspaceId == access.WorkspaceId ? found : null;
    }

    /// <summary>Runs the statement again and streams its full result as CSV (no row cap). Returns the rows written.</summary>
    public async Task<long> ExportCsvAsync(Guid runId, int statementIndex, Stream output, CancellationToken ct = default)
    {
        var access = await workspace.RequireWorkspaceAsync(ct);
        access.Require(WorkspaceRole.Developer, "export results");
        var run = await GetResultsAsync(runId, ct) ?? throw new DomainException("The results of that run are no longer held; run it again.");
        var statement = run.Statements.FirstOrDefault(s => s.Index == statementIndex)
                        ?? throw new DomainException("That statement was not part of the run.");
        if (statement.Kind != SqlStatementKind.Query)
        {
            throw new DomainException("Only queries can be exported.");
        }

        var connection = await databaseEngine.ConnectionStringAsync(access.WorkspaceId, run.DataSourceId, ct);
        return await engine.ExportCsvAsync(connection, statement, output, null, ct);
    }

    private async Task<JobRun> RunAsync(Guid runId, CancellationToken ct)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await db.Set<JobRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct)
               ?? throw new DomainException("That run does not exist.");
    }
}
