using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Quality;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Quality;

/// <summary>
/// Blocking rules: a table whose latest finished scan has a failing (or unmeasurable) blocking rule holds the jobs that
/// depend on it, until a later scan passes or an Operator overrides that scan. Read from the store, so every app
/// instance answers the same.
/// </summary>
public sealed class QualityGate
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal QualityGate(AppDb appDb, WorkspaceContext workspace, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.clock = clock;
    }

    /// <summary>For the scheduler: the gate of each table (tables without scans are open).</summary>
    public async Task<IReadOnlyList<QualityGateState>> CheckAsync(Guid workspaceId, IReadOnlyCollection<Guid> tableIds, CancellationToken ct = default)
    {
        await using var db = await appDb.ForWorkspaceAsync(workspaceId, ct);
        return await StatesAsync(db, tableIds, ct);
    }

    public async Task<QualityGateState> CheckAsync(Guid workspaceId, Guid tableId, CancellationToken ct = default) =>
        (await CheckAsync(workspaceId, [tableId], ct))[0];

    /// <summary>An Operator lets dependent jobs run despite the latest scan's failing blocking rules.</summary>
    public async Task<QualityGateState> OverrideAsync(Guid tableId, string? reason, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Operator, "override a blocking quality rule");
            var scan = await LatestFinished(db.Set<QualityScan>(), tableId).FirstOrDefaultAsync(ct)
                ?? throw new DomainException("The table has no scan to override.");
            scan.Override(await workspace.UserNameOrIdAsync(ct), reason, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return (await StatesAsync(db, [tableId], ct))[0];
        }
    }

    internal static async Task<IReadOnlyList<QualityGateState>> StatesAsync(AllDataDbContext db, IReadOnlyCollection<Guid> tableIds, CancellationToken ct)
    {
        var ids = tableIds.Distinct().ToList();
        var latest = await db.Set<QualityScan>().AsNoTracking()
            .Where(s => ids.Contains(s.TableId) && s.Status == QualityScanStatus.Succeeded)
            .GroupBy(s => s.TableId)
            .Select(g => g.OrderByDescending(s => s.StartedAt).First())
            .ToListAsync(ct);
        var blockingScans = latest.Where(s => s.HasBlockingFailure).Select(s => s.Id).ToList();
        var failing = await (from r in db.Set<QualityResult>().AsNoTracking()
                             join rule in db.Set<QualityRule>() on r.RuleId equals rule.Id
                             where blockingScans.Contains(r.ScanId) && rule.IsBlocking
                                   && (r.Outcome == QualityOutcome.Failed || r.Outcome == QualityOutcome.Error)
                             orderby r.RuleName
                             select new { r.ScanId, r.RuleName }).ToListAsync(ct);
        return [.. tableIds.Select(id => latest.FirstOrDefault(s => s.TableId == id) is { HasBlockingFailure: true } s
            ? new QualityGateState(id, s.OverriddenAt is null, s.Id, [.. failing.Where(f => f.ScanId == s.Id).Select(f => f.RuleName)],
                s.OverriddenBy, s.OverriddenAt, s.OverrideReason)
            : QualityGateState.Open(id))];
    }

    private static IQueryable<QualityScan> LatestFinished(IQueryable<QualityScan> scans, Guid tableId) =>
        scans.Where(s => s.TableId == tableId && s.Status == QualityScanStatus.Succeeded).OrderByDescending(s => s.StartedAt);
}
