using AllData.Domain.Common;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql;

namespace AllData.Infrastructure.Operations;

/// <summary>The same <c>Idempotency-Key</c> was sent before with a different request.</summary>
public sealed class IdempotencyKeyReusedException()
    : DomainException("This Idempotency-Key was already used for a different request; use a new key for a new run.");

/// <summary>
/// Starts a run at most once per idempotency key in the acting user's workspace. The claim is a row in PostgreSQL (unique per workspace
/// and key), so two instances receiving the same retry start one run between them.
/// </summary>
public sealed class RunRequestKeys
{
    private static readonly TimeSpan WaitForOther = TimeSpan.FromSeconds(30);
    private readonly IDbContextFactory<AllDataDbContext> factory;
    private readonly Identity.WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal RunRequestKeys(IDbContextFactory<AllDataDbContext> factory, Identity.WorkspaceContext workspace, TimeProvider clock)
    {
        this.factory = factory;
        this.workspace = workspace;
        this.clock = clock;
    }

    /// <summary>The run started for <paramref name="key"/>: the one an earlier request started, or the one <paramref name="start"/> starts now.</summary>
    /// <returns>The run id, and whether this call started it.</returns>
    public async Task<(Guid RunId, bool Started)> StartOnceAsync(string key, string fingerprint,
        Func<CancellationToken, Task<Guid>> start, CancellationToken ct = default)
    {
        var workspaceId = (await workspace.RequireWorkspaceAsync(ct)).WorkspaceId;
        var deadline = clock.GetTimestamp();
        while (true)
        {
            await using (var db = await factory.CreateDbContextAsync(ct))
            {
                db.WorkspaceId = workspaceId;
                var existing = await db.Set<RunRequestKey>().AsNoTracking().FirstOrDefaultAsync(k => k.Key == key, ct);
                if (existing is not null && existing.CreatedAt > clock.GetUtcNow() - RunRequestKey.Retention)
                {
                    if (existing.Fingerprint != fingerprint)
                    {
                        throw new IdempotencyKeyReusedException();
                    }

                    if (existing.RunId is { } runId)
                    {
                        return (runId, false);
                    }

                    if (clock.GetElapsedTime(deadline) > WaitForOther)
                    {
                        throw new DomainException("A request with this Idempotency-Key is still starting its run; try again shortly.");
                    }

                    // Another request (maybe on another instance) is starting the run right now: wait for its id.
                    await Task.Delay(TimeSpan.FromMilliseconds(100), clock, ct);
                    continue;
                }

                // Expired keys are removed when a new one is claimed, so the table holds about a day of keys.
                await db.Set<RunRequestKey>().Where(k => k.CreatedAt < clock.GetUtcNow() - RunRequestKey.Retention).ExecuteDeleteAsync(ct);
                var claim = new RunRequestKey(workspaceId, key, fingerprint, clock.GetUtcNow());
                db.Add(claim);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
                {
                    continue;
                }

                Guid started;
                try
                {
                    started = await start(ct);
                }
                catch
                {
                    db.Remove(claim);
                    await db.SaveChangesAsync(CancellationToken.None);
                    throw;
                }

                claim.Started(started);
                await db.SaveChangesAsync(CancellationToken.None);
                return (started, true);
            }
        }
    }
}

internal sealed class RunRequestKeyConfiguration : IEntityTypeConfiguration<RunRequestKey>
{
    public void Configure(EntityTypeBuilder<RunRequestKey> builder)
    {
        builder.ToTable("run_request_keys");
        builder.HasKey(k => new { k.WorkspaceId, k.Key });
        builder.Property(k => k.Key).HasMaxLength(RunRequestKey.MaxKeyLength);
        builder.Property(k => k.Fingerprint).HasMaxLength(RunRequestKey.FingerprintLength).IsFixedLength();
        builder.HasIndex(k => k.CreatedAt);
        builder.HasOne<Domain.Identity.Workspace>().WithMany().HasForeignKey(k => k.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<JobRun>().WithMany().HasForeignKey(k => k.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
