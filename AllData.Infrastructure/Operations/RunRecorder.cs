using System.Collections.Concurrent;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Operations;

/// <summary>
/// The one place where runs are stored as they move: each transition is a method on <see cref="JobRun"/>, saved with
/// its status-history row in the same transaction, then published as a <see cref="RunStatusChanged"/>. Log lines are
/// appended with increasing sequence numbers per run and published as <see cref="RunLogAppended"/>. Engines, the Flink
/// tracker and the schedulers all report through here; it works for no user, so it reads across workspaces.
/// </summary>
internal sealed class RunRecorder(
    IDbContextFactory<AllDataDbContext> factory, ILiveEvents events, TimeProvider clock, ILogger<RunRecorder> logger)
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _logLocks = new();
    private readonly ConcurrentDictionary<Guid, long> _lastSequence = new();

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<JobRun> CreateAsync(JobRun run, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Add(run);
        await db.SaveChangesAsync(ct);
        events.Publish(new RunStatusChanged(run.WorkspaceId, run.Id, run.JobId, run.Status, null, run.CreatedAt, null));
        return run;
    }

    public async Task<JobRun?> FindAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored run and saves it. When another writer moved the run meanwhile,
    /// the run is read again and the change applied to the newer state (once more); a change the newer state does not
    /// allow throws the domain's exception. Returns the run as saved.
    /// </summary>
    public async Task<JobRun> TransitionAsync(Guid runId, Action<JobRun, DateTimeOffset> change, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var run = await db.Set<JobRun>().IgnoreQueryFilters().FirstOrDefaultAsync(r => r.Id == runId, ct)
                      ?? throw new InvalidOperationException($"Run {runId} does not exist.");
            var before = run.Status;
            var at = clock.GetUtcNow();
            change(run, at);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                logger.LogDebug("Run {RunId} moved meanwhile; applying the change again", runId);
                continue;
            }

            if (run.Status != before)
            {
                var reason = run.History.Count > 0 ? run.History[^1].Reason : null;
                events.Publish(new RunStatusChanged(run.WorkspaceId, run.Id, run.JobId, run.Status, before, at, reason));
            }

            return run;
        }
    }

    /// <summary>Appends lines to a run's log, in order, and publishes them.</summary>
    public async Task AppendLogAsync(Guid workspaceId, Guid runId, IReadOnlyList<(RunLogLevel Level, string Text)> lines, CancellationToken ct = default)
    {
        if (lines.Count == 0)
        {
            return;
        }

        var gate = _logLocks.GetOrAdd(runId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            if (!_lastSequence.TryGetValue(runId, out var last))
            {
                last = await db.Set<RunLogLine>().IgnoreQueryFilters().Where(l => l.RunId == runId)
                    .MaxAsync(l => (long?)l.Sequence, ct) ?? 0;
            }

            var at = clock.GetUtcNow();
            var entries = new List<RunLogEntry>(lines.Count);
            foreach (var (level, text) in lines)
            {
                var line = new RunLogLine(workspaceId, runId, ++last, at, level, text);
                db.Add(line);
                entries.Add(new RunLogEntry(line.Sequence, at, level, line.Text));
            }

            await db.SaveChangesAsync(ct);
            _lastSequence[runId] = last;
            events.Publish(new RunLogAppended(workspaceId, runId, entries));
        }
        finally
        {
            gate.Release();
        }
    }

    public Task AppendLogAsync(Guid workspaceId, Guid runId, RunLogLevel level, string text, CancellationToken ct = default) =>
        AppendLogAsync(workspaceId, runId, [(level, text)], ct);

    /// <summary>Forgets the per-run log counter of a run that ended (the next append reads it again).</summary>
    public void Forget(Guid runId)
    {
        _lastSequence.TryRemove(runId, out _);
        _logLocks.TryRemove(runId, out _);
    }
}
