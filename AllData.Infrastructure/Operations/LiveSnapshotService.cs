using System.Data;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

/// <summary>Reads a workspace's live state for a (re)connecting client. The caller has checked the reader may see it.</summary>
public sealed class LiveSnapshotService
{
    private readonly IDbContextFactory<AllDataDbContext> factory;
    private readonly LiveSequence sequence;
    private readonly TimeProvider clock;

    internal LiveSnapshotService(IDbContextFactory<AllDataDbContext> factory, LiveSequence sequence, TimeProvider clock)
    {
        this.factory = factory;
        this.sequence = sequence;
        this.clock = clock;
    }

    public static readonly TimeSpan RecentlyEnded = TimeSpan.FromMinutes(5);

    public async Task<LiveSnapshot> GetAsync(Guid workspaceId, CancellationToken ct = default)
    {
        // Taken before reading: every event numbered up to here was committed before the read below.
        var seq = sequence.Current(workspaceId);
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;

        // Counts and runs from one database snapshot, so they agree with each other.
        await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var runs = db.Set<JobRun>().AsNoTracking();
        var counts = await runs.GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        // Runs that ended a moment ago are listed too, so an in-flight event about their end is recognised as already applied.
        var recent = clock.GetUtcNow() - RecentlyEnded;
        var live = await runs.Where(r => (r.Status != RunStatus.Finished && r.Status != RunStatus.Failed && r.Status != RunStatus.Canceled)
                                         || r.EndedAt >= recent)
            .OrderByDescending(r => r.CreatedAt).Take(1000)
            .Select(r => new LiveRunState(r.Id, r.JobId, r.Status, r.CreatedAt, r.StartedAt))
            .ToListAsync(ct);
        return new LiveSnapshot(workspaceId, seq, live, counts.ToDictionary(c => c.Key, c => c.Count));
    }
}
