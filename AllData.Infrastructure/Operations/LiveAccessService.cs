using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

/// <summary>Answers the hub's questions: is this user a member of that workspace, and which workspace owns a run.</summary>
public sealed class LiveAccessService
{
    private readonly IDbContextFactory<AllDataDbContext> factory;

    internal LiveAccessService(IDbContextFactory<AllDataDbContext> factory)
    {
        this.factory = factory;
    }

    public async Task<bool> IsMemberAsync(string userId, Guid workspaceId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.WorkspaceMembers.AnyAsync(m => m.UserId == userId && m.WorkspaceId == workspaceId
                                                       && !db.Users.Any(u => u.Id == userId && u.IsDisabled), ct);
    }

    public async Task<Guid?> WorkspaceOfRunAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<JobRun>().IgnoreQueryFilters().Where(r => r.Id == runId).Select(r => (Guid?)r.WorkspaceId).FirstOrDefaultAsync(ct);
    }
}
