using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Quality;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AllData.Infrastructure.Quality;

/// <summary>
/// Scans: every enabled rule of a table measured together and kept as history. <see cref="ScanTableAsync"/> acts for
/// no user (schedules, after-run hooks); the other methods check the acting user's role (Operator and above).
/// </summary>
public sealed class QualityScanService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly QualityScanner scanner;
    private readonly IOptions<QualityOptions> options;
    private readonly TimeProvider clock;
    private readonly ILogger<QualityScanService> logger;

    internal QualityScanService(AppDb appDb, WorkspaceContext workspace, QualityScanner scanner, IOptions<QualityOptions> options, TimeProvider clock, ILogger<QualityScanService> logger)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.scanner = scanner;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
    }

    /// <summary>Scans one table of the acting user's workspace.</summary>
    public async Task<QualityScanRow> RunScanAsync(Guid tableId, CancellationToken ct = default)
    {
        var access = await RequireOperatorAsync(ct);
        return await ScanTableAsync(access.WorkspaceId, tableId, QualityScanTrigger.Manual, await workspace.UserNameOrIdAsync(ct), null, null, ct);
    }

    /// <summary>Scans every table of a source that has enabled rules, one after the other, reporting per table.</summary>
    public async Task<IReadOnlyList<QualityScanRow>> ScanSourceAsync(Guid sourceId, IProgress<QualityScanProgress>? progress = null, CancellationToken ct = default)
    {
        var access = await RequireOperatorAsync(ct);
        return await ScanSourceAsync(access.WorkspaceId, sourceId, QualityScanTrigger.Manual, await workspace.UserNameOrIdAsync(ct), progress, ct);
    }

    /// <summary>
    /// Scans every table of a source that has enabled rules on behalf of <paramref name="actor"/> (a source's scan
    /// schedule, or the signed-in user), one after the other in one batch; a table that cannot be scanned is skipped.
    /// </summary>
    public async Task<IReadOnlyList<QualityScanRow>> ScanSourceAsync(Guid workspaceId, Guid sourceId, QualityScanTrigger trigger, string actor,
        IProgress<QualityScanProgress>? progress, CancellationToken ct)
    {
        await using var db = await appDb.ForWorkspaceAsync(workspaceId, ct);
        var tables = await (from t in db.Set<CatalogTable>().AsNoTracking()
                            where t.DataSourceId == sourceId && db.Set<QualityRule>().Any(r => r.TableId == t.Id && r.IsEnabled)
                            orderby t.SchemaName, t.Name
                            select new { t.Id, Name = t.SchemaName + "." + t.Name }).ToListAsync(ct);
        var batch = Guid.CreateVersion7(clock.GetUtcNow());
        var done = new List<QualityScanRow>();
        foreach (var t in tables)
        {
            progress?.Report(new QualityScanProgress(done.Count, tables.Count, t.Id, t.Name, null));
            QualityScanRow row;
            try
            {
                row = await ScanTableAsync(workspaceId, t.Id, trigger, actor, batch, null, ct);
            }
            catch (DomainException e)
            {
                // A scan of that table already running (or its rules disabled meanwhile): the others still get theirs.
                logger.LogInformation("Scan of {Table} skipped in a source scan: {Reason}", t.Name, e.Message);
                continue;
            }

            done.Add(row);
            progress?.Report(new QualityScanProgress(done.Count, tables.Count, t.Id, t.Name, row));
        }

        return done;
    }

    /// <summary>
    /// Scans one table on behalf of <paramref name="actor"/> (a schedule, a finished run): for the scheduler to call.
    /// A scan whose source cannot be reached is kept as Failed with the reason.
    /// </summary>
    public async Task<QualityScanRow> ScanTableAsync(Guid workspaceId, Guid tableId, QualityScanTrigger trigger, string actor, Guid? batchId = null,
        Guid? afterRunId = null, CancellationToken ct = default)
    {
        await using var db = await appDb.ForWorkspaceAsync(workspaceId, ct);
        var rules = await db.Set<QualityRule>().AsNoTracking().Where(r => r.TableId == tableId && r.IsEnabled).OrderBy(r => r.Name).ToListAsync(ct);
        var target = await QualityScanner.LoadAsync(db, tableId, rules, ct);
        if (rules.Count == 0)
        {
            throw new DomainException("The table has no enabled quality rules to scan.");
        }

        var busySince = clock.GetUtcNow() - TimeSpan.FromSeconds(options.Value.StatementTimeoutSeconds * 4 + 60);
        if (await db.Set<QualityScan>().AnyAsync(s => s.TableId == tableId && s.Status == QualityScanStatus.Running && s.StartedAt > busySince, ct))
        {
            throw new DomainException("This table is being scanned already; wait for that scan to finish.");
        }

        var scan = new QualityScan(workspaceId, target.Table.DataSourceId, tableId, trigger, actor, clock.GetUtcNow(), batchId, afterRunId);
        db.Add(scan);
        await db.SaveChangesAsync(ct);
        try
        {
            var baselines = await BaselinesAsync(db, rules, scan.StartedAt, ct);
            var measured = await scanner.MeasureAsync(target, scan, rules, baselines, withSamples: true, ct);
            db.AddRange(measured.Results);
            scan.Finish(measured.Results, rules, measured.Rows, measured.QueryCount, clock.GetUtcNow());
            logger.LogInformation("Quality scan {ScanId} of {Table}: {Passed}/{Rules} passed, {Queries} queries", scan.Id,
                target.Shape.Schema + "." + target.Shape.Name, scan.Passed, scan.RuleCount, scan.QueryCount);
        }
        catch (Exception e) when (e is NpgsqlException or MySqlConnector.MySqlException or DomainException or TimeoutException or InvalidOperationException
                                      && !ct.IsCancellationRequested)
        {
            scan.Fail(e is PostgresException pg ? PostgresQualitySource.Describe(pg) : e.Message, 1, clock.GetUtcNow());
            logger.LogWarning("Quality scan {ScanId} failed: {Error}", scan.Id, scan.Error);
        }
        catch (OperationCanceledException)
        {
            scan.Fail("The scan was canceled.", 0, clock.GetUtcNow());
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }

        await db.SaveChangesAsync(CancellationToken.None);
        return QualityQueries.ToRow(scan, target.Source.Name, target.Table.SchemaName, target.Table.Name);
    }

    /// <summary>The trailing average metric of each relative-threshold rule over its window, before <paramref name="before"/>.</summary>
    internal static async Task<IReadOnlyDictionary<Guid, double>> BaselinesAsync(AllDataDbContext db, IReadOnlyList<QualityRule> rules, DateTimeOffset before,
        CancellationToken ct)
    {
        var result = new Dictionary<Guid, double>();
        foreach (var rule in rules.Where(r => r.Spec.Threshold.Kind == ThresholdKind.RelativeToHistory))
        {
            var since = before.AddDays(-rule.Spec.Threshold.HistoryDays);
            var avg = await db.Set<QualityResult>().AsNoTracking()
                .Where(r => r.RuleId == rule.Id && r.At >= since && r.At < before && r.Metric != null)
                .AverageAsync(r => r.Metric, ct);
            if (avg is { } a)
            {
                result[rule.Id] = a;
            }
        }

        return result;
    }

    private async Task<WorkspaceAccess> RequireOperatorAsync(CancellationToken ct)
    {
        var access = await workspace.RequireWorkspaceAsync(ct);
        access.Require(WorkspaceRole.Operator, "run quality scans");
        return access;
    }
}
