using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Quality;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Quality;

/// <summary>What the quality screens read: a table's rules and score, scans, results, history, workspace overview.</summary>
public sealed class QualityQueries
{
    private readonly AppDb appDb;
    private readonly TimeProvider clock;

    internal QualityQueries(AppDb appDb, TimeProvider clock)
    {
        this.appDb = appDb;
        this.clock = clock;
    }

    public async Task<TableQuality> GetTableAsync(Guid tableId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var rules = await db.Set<QualityRule>().AsNoTracking().Where(r => r.TableId == tableId).OrderBy(r => r.Name).ToListAsync(ct);
            var ruleIds = rules.Select(r => r.Id).ToList();
            var last = (await db.Set<QualityResult>().AsNoTracking().Where(r => ruleIds.Contains(r.RuleId))
                    .GroupBy(r => r.RuleId).Select(g => g.OrderByDescending(r => r.At).First()).ToListAsync(ct))
                .ToDictionary(r => r.RuleId);
            var lastScan = await (from s in db.Set<QualityScan>().AsNoTracking()
                                  join t in db.Set<CatalogTable>() on s.TableId equals t.Id
                                  join d in db.Set<DataSource>() on s.DataSourceId equals d.Id
                                  where s.TableId == tableId
                                  orderby s.StartedAt descending
                                  select new { s, d.Name, t.SchemaName, Table = t.Name }).FirstOrDefaultAsync(ct);
            var scored = rules.Where(r => r.IsEnabled && last.ContainsKey(r.Id))
                .Select(r => new ScoredRule(r.Id, r.Name, r.Weight, r.Severity, last[r.Id].Outcome)).ToList();
            var gate = (await QualityGate.StatesAsync(db, [tableId], ct))[0];
            return new TableQuality(QualityScore.Of(scored), QualityScore.Costs(scored), gate,
                lastScan is null ? null : ToRow(lastScan.s, lastScan.Name, lastScan.SchemaName, lastScan.Table),
                [.. rules.Select(r => QualityRuleService.Row(r, last.TryGetValue(r.Id, out var l) ? ToRow(l) : null))]);
        }
    }

    public async Task<IReadOnlyList<MetricPoint>> GetRuleHistoryAsync(Guid ruleId, int days = 30, CancellationToken ct = default)
    {
        var since = clock.GetUtcNow().AddDays(-days);
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await db.Set<QualityResult>().AsNoTracking().Where(r => r.RuleId == ruleId && r.At >= since).OrderBy(r => r.At)
                .Select(r => new MetricPoint(r.At, r.Metric, r.Outcome)).ToListAsync(ct);
        }
    }

    public async Task<IReadOnlyList<ScorePoint>> GetTableScoreHistoryAsync(Guid tableId, int days = 30, CancellationToken ct = default)
    {
        var since = clock.GetUtcNow().AddDays(-days);
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await db.Set<QualityScan>().AsNoTracking()
                .Where(s => s.TableId == tableId && s.StartedAt >= since && s.Score != null).OrderBy(s => s.StartedAt)
                .Select(s => new ScorePoint(s.StartedAt, s.Score!.Value)).ToListAsync(ct);
        }
    }

    public async Task<IReadOnlyList<QualityScanRow>> GetScansAsync(Guid? tableId = null, int take = 50, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await ScanRows(db, tableId is { } id ? s => s.TableId == id : null, take, ct);
        }
    }

    public async Task<QualityScanDetails> GetScanAsync(Guid scanId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var scan = (await ScanRows(db, s => s.Id == scanId, 1, ct)).FirstOrDefault() ?? throw new NotFoundException("The scan does not exist.");
            var results = await db.Set<QualityResult>().AsNoTracking().Where(r => r.ScanId == scanId).OrderBy(r => r.RuleName).ToListAsync(ct);
            return new QualityScanDetails(scan, [.. results.OrderBy(r => r.Outcome == QualityOutcome.Passed).ThenBy(r => r.RuleName, StringComparer.Ordinal).Select(ToRow)]);
        }
    }

    /// <summary>Scores per workspace, source and table from each enabled rule's latest result; worst tables first.</summary>
    public async Task<QualityOverview> GetOverviewAsync(int days = 30, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var latest = await (from r in db.Set<QualityResult>().AsNoTracking()
                                join rule in db.Set<QualityRule>() on r.RuleId equals rule.Id
                                where rule.IsEnabled
                                group r by r.RuleId into g
                                select g.OrderByDescending(x => x.At).First()).ToListAsync(ct);
            var rules = await db.Set<QualityRule>().AsNoTracking().Where(r => r.IsEnabled)
                .Select(r => new { r.Id, r.IsBlocking }).ToDictionaryAsync(r => r.Id, r => r.IsBlocking, ct);
            var tables = await (from t in db.Set<CatalogTable>().AsNoTracking()
                                join d in db.Set<DataSource>() on t.DataSourceId equals d.Id
                                where db.Set<QualityRule>().Any(r => r.TableId == t.Id)
                                select new { t.Id, SourceId = d.Id, Source = d.Name, t.SchemaName, t.Name }).ToListAsync(ct);
            var gates = (await QualityGate.StatesAsync(db, [.. tables.Select(t => t.Id)], ct)).ToDictionary(g => g.TableId);
            var lastScans = await db.Set<QualityScan>().AsNoTracking().GroupBy(s => s.TableId)
                .Select(g => new { g.Key, At = g.Max(s => s.StartedAt) }).ToDictionaryAsync(g => g.Key, g => g.At, ct);

            static ScoredRule Scored(QualityResult r) => new(r.RuleId, r.RuleName, r.Weight, r.Severity, r.Outcome);
            var tableScores = tables.Select(t =>
            {
                var mine = latest.Where(r => r.TableId == t.Id).ToList();
                return new TableScore(t.Id, t.SourceId, t.Source, t.SchemaName, t.Name, QualityScore.Of(mine.Select(Scored)), mine.Count,
                    mine.Count(r => r.Outcome != QualityOutcome.Passed), gates.TryGetValue(t.Id, out var g) && g.IsBlocked,
                    lastScans.TryGetValue(t.Id, out var at) ? at : null);
            }).OrderBy(t => t.Score ?? 101).ThenBy(t => t.Schema, StringComparer.Ordinal).ThenBy(t => t.Table, StringComparer.Ordinal).ToList();
            var sourceScores = tables.GroupBy(t => (t.SourceId, t.Source)).Select(g =>
            {
                var mine = latest.Where(r => r.DataSourceId == g.Key.SourceId).ToList();
                return new SourceScore(g.Key.SourceId, g.Key.Source, QualityScore.Of(mine.Select(Scored)), g.Count(), mine.Count,
                    mine.Count(r => r.Outcome != QualityOutcome.Passed));
            }).OrderBy(s => s.Source, StringComparer.Ordinal).ToList();
            var names = tables.ToDictionary(t => t.Id);
            var failing = latest.Where(r => r.Outcome != QualityOutcome.Passed && names.ContainsKey(r.TableId))
                .OrderByDescending(r => r.Outcome).ThenByDescending(r => QualityScore.PointsOf(r.Weight, r.Severity))
                .Select(r => new FailingRule(r.RuleId, r.TableId, names[r.TableId].SchemaName, names[r.TableId].Name, r.RuleName, r.Outcome, r.Metric,
                    r.Threshold, r.At, rules.GetValueOrDefault(r.RuleId))).Take(50).ToList();

            var since = clock.GetUtcNow().AddDays(-days);
            var daily = await db.Set<QualityScan>().AsNoTracking().Where(s => s.StartedAt >= since && s.Score != null)
                .Select(s => new { s.StartedAt, s.Score }).ToListAsync(ct);
            var trend = daily.GroupBy(s => s.StartedAt.UtcDateTime.Date)
                .Select(g => new ScorePoint(new DateTimeOffset(g.Key, TimeSpan.Zero), Math.Round(g.Average(s => s.Score!.Value), 1)))
                .OrderBy(p => p.At).ToList();
            return new QualityOverview(QualityScore.Of(latest.Select(Scored)), sourceScores, tableScores, failing, trend,
                await ScanRows(db, null, 20, ct));
        }
    }

    private static async Task<List<QualityScanRow>> ScanRows(AllDataDbContext db, System.Linq.Expressions.Expression<Func<QualityScan, bool>>? where, int take,
        CancellationToken ct)
    {
        var scans = db.Set<QualityScan>().AsNoTracking();
        if (where is not null)
        {
            scans = scans.Where(where);
        }

        var rows = await (from s in scans
                          join t in db.Set<CatalogTable>() on s.TableId equals t.Id
                          join d in db.Set<DataSource>() on s.DataSourceId equals d.Id
                          orderby s.StartedAt descending
                          select new { s, Source = d.Name, t.SchemaName, t.Name }).Take(take).ToListAsync(ct);
        return [.. rows.Select(r => ToRow(r.s, r.Source, r.SchemaName, r.Name))];
    }

    internal static QualityScanRow ToRow(QualityScan s, string source, string schema, string table) =>
        new(s.Id, s.TableId, source, schema, table, s.Trigger, s.Status, s.StartedBy, s.StartedAt, s.Duration, s.RowsScanned, s.QueryCount,
            s.RuleCount, s.Passed, s.Warned, s.Failed, s.Errors, s.Score, s.HasBlockingFailure, s.OverriddenBy, s.Error);

    internal static QualityResultRow ToRow(QualityResult r) =>
        new(r.Id, r.ScanId, r.RuleId, r.RuleName, r.Severity, r.Weight, r.At, r.Metric, r.Rows, r.Percent, r.Baseline, r.Deviation, r.Threshold,
            r.Outcome, r.Error, r.Samples);
}
