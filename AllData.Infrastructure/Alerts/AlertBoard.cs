using AllData.Domain.Alerts;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Alerts;

/// <summary>A firing alert as the wall shows it.</summary>
public sealed record FiringAlert(Guid Id, string RuleName, string SubjectName, DateTimeOffset Since, string? Reason, bool Acknowledged, Guid? RunId);

/// <summary>
/// The firing alerts of a workspace named by the caller (the wall opens with a link token, not a signed-in user),
/// oldest first: what has been wrong longest is on top.
/// </summary>
public sealed class AlertBoard
{
    public const int WallRows = 6;

    private readonly IDbContextFactory<AllDataDbContext> factory;

    internal AlertBoard(IDbContextFactory<AllDataDbContext> factory) => this.factory = factory;

    public async Task<(IReadOnlyList<FiringAlert> Shown, int Total)> FiringAsync(Guid workspaceId, int take = WallRows, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        var firing = from i in db.Set<AlertInstance>().AsNoTracking()
                     join r in db.Set<AlertRule>().AsNoTracking() on i.RuleId equals r.Id
                     where i.State == AlertState.Firing
                     select new { i, r.Name };
        var total = await firing.CountAsync(ct);
        var shown = await firing.OrderBy(x => x.i.FiringSince).Take(take)
            .Select(x => new FiringAlert(x.i.Id, x.Name, x.i.SubjectName, x.i.FiringSince ?? x.i.ChangedAt, x.i.Reason, x.i.AcknowledgedAt != null, x.i.RunId))
            .ToListAsync(ct);
        return (shown, total);
    }
}
