using AllData.Domain.Alerts;
using AllData.Domain.Common;
using AllData.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Alerts;

/// <summary>A firing alert as its acknowledge link shows it.</summary>
public sealed record AckTarget(Guid AlertId, string RuleName, string SubjectName, AlertState State, DateTimeOffset? FiringSince, string? AcknowledgedBy);

/// <summary>
/// The signed "acknowledge" links in alert messages: the link carries the alert id protected with the app's data
/// protection keys (shared by every instance through the store) and expires after <see cref="Lifetime"/>. Opening it shows
/// the alert; acknowledging takes a press of the button (a POST), so mail scanners that follow links acknowledge nothing.
/// </summary>
public sealed class AlertAckLinks
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    private const string Purpose = "AllData.Alerts.AcknowledgeLink";

    private readonly ITimeLimitedDataProtector protector;
    private readonly IDbContextFactory<AllDataDbContext> factory;
    private readonly TimeProvider clock;

    internal AlertAckLinks(IDataProtectionProvider protection, IDbContextFactory<AllDataDbContext> factory, TimeProvider clock)
    {
        protector = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();
        this.factory = factory;
        this.clock = clock;
    }

    /// <summary>The token of <paramref name="alertId"/>'s link (URL-safe).</summary>
    public string TokenFor(Guid alertId) => protector.Protect(alertId.ToString("N"), clock.GetUtcNow() + Lifetime);

    /// <summary>The alert a token names, or null when it was tampered with or has expired.</summary>
    public Guid? Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        try
        {
            return Guid.TryParseExact(protector.Unprotect(token, out var expires), "N", out var id) && expires > clock.GetUtcNow() ? id : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public async Task<AckTarget?> FindAsync(string? token, CancellationToken ct = default)
    {
        if (Read(token) is not { } id)
        {
            return null;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from i in db.Set<AlertInstance>().IgnoreQueryFilters().AsNoTracking()
                      join r in db.Set<AlertRule>().IgnoreQueryFilters().AsNoTracking() on i.RuleId equals r.Id
                      where i.Id == id
                      select new AckTarget(i.Id, r.Name, i.SubjectName, i.State, i.FiringSince, i.AcknowledgedBy)).FirstOrDefaultAsync(ct);
    }

    /// <summary>Acknowledges the alert the token names, as "<paramref name="by"/> (link)"; refused when the token is bad or it no longer fires.</summary>
    public async Task<AckTarget> AcknowledgeAsync(string? token, string by, CancellationToken ct = default)
    {
        var id = Read(token) ?? throw new DomainException("This acknowledge link is not valid (changed, or older than 7 days).");
        await using var db = await factory.CreateDbContextAsync(ct);
        var instance = await db.Set<AlertInstance>().IgnoreQueryFilters().FirstOrDefaultAsync(i => i.Id == id, ct)
                       ?? throw new NotFoundException("The alert no longer exists.");
        db.WorkspaceId = instance.WorkspaceId;
        instance.Acknowledge(by, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return (await FindAsync(token, ct))!;
    }
}
