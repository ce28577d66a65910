using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Scheduling;

/// <summary>Where one upstream of a slot stands for the logical date the slot needs.</summary>
public enum UpstreamState
{
    Succeeded,
    Running,
    Failed,
    NoRun,
}

/// <summary>One dependency of a slot, checked: the upstream, the date it needs, where that run stands, and the policy.</summary>
public sealed record DependencyCheck(
    Guid DependencyId, Guid UpstreamJobId, string UpstreamJobName, DateOnly Date, UpstreamState State, Guid? RunId, RunStatus? RunStatus,
    UpstreamFailurePolicy OnFailure)
{
    public bool Met => State == UpstreamState.Succeeded;
}

/// <summary>A job of the workflow graph with where it stands for the chosen logical date.</summary>
/// <param name="Waiting">A slot of the job for that date is queued (waiting for an upstream or the previous run).</param>
public sealed record GraphNode(Guid JobId, string JobName, int Layer, int Row, Guid? ScheduleId, string TimeZoneId, UpstreamState State, bool Waiting,
    Guid? RunId, RunStatus? RunStatus);

public sealed record GraphEdge(Guid UpstreamJobId, Guid JobId, DependencyDate Date, UpstreamFailurePolicy OnFailure);

/// <summary>The workspace's dependency graph, laid out in columns, for one logical date.</summary>
public sealed record WorkflowGraph(DateOnly Date, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges);

/// <summary>A dependency as the editor lists it.</summary>
public sealed record DependencyRow(Guid Id, Guid JobId, string JobName, Guid UpstreamJobId, string UpstreamJobName, DependencyDate Date, UpstreamFailurePolicy OnFailure);

/// <summary>
/// Checks a job's upstream dependencies for one logical date, straight from the runs in the store (any instance
/// answers the same): an upstream is met by a finished run of that date; a failed one applies the dependency's policy.
/// </summary>
internal static class DependencyChecks
{
    public static async Task<IReadOnlyList<DependencyCheck>> ForAsync(AllDataDbContext db, Guid jobId, DateTimeOffset logicalTime, string timeZoneId, CancellationToken ct)
    {
        var dependencies = await (from d in db.Set<JobDependency>().AsNoTracking()
                                  join j in db.Set<Job>().AsNoTracking() on d.UpstreamJobId equals j.Id
                                  where d.JobId == jobId
                                  orderby j.Name
                                  select new { d, j.Name }).ToListAsync(ct);
        if (dependencies.Count == 0)
        {
            return [];
        }

        var zone = ScheduleTimeline.ZoneOrUtc(timeZoneId);
        var slotDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(logicalTime, zone).DateTime);
        List<DependencyCheck> checks = [];
        foreach (var x in dependencies)
        {
            var date = DependencyGraph.UpstreamDate(x.d.Date, slotDate);
            var from = ScheduleTimeline.StartOfDay(date, zone);
            var to = ScheduleTimeline.StartOfDay(date.AddDays(1), zone);
            var runs = await db.Set<JobRun>().AsNoTracking()
                .Where(r => r.JobId == x.d.UpstreamJobId && r.LogicalTime >= from && r.LogicalTime < to)
                .OrderByDescending(r => r.CreatedAt).Select(r => new { r.Id, r.Status }).ToListAsync(ct);
            var (state, run) = Standing(runs.Select(r => (r.Id, r.Status)));
            checks.Add(new DependencyCheck(x.d.Id, x.d.UpstreamJobId, x.Name, date, state, run?.Id, run?.Status, x.d.OnFailure));
        }

        return checks;
    }

    /// <summary>Where a job stands for a date, from its runs of that date (newest first): a finished run meets it; else a live one runs; else the latest failed.</summary>
    public static (UpstreamState State, (Guid Id, RunStatus Status)? Run) Standing(IEnumerable<(Guid Id, RunStatus Status)> newestFirst)
    {
        var runs = newestFirst.ToList();
        foreach (var (state, match) in new (UpstreamState, Func<RunStatus, bool>)[]
                 {
                     (UpstreamState.Succeeded, st => st == RunStatus.Finished), (UpstreamState.Running, st => !st.IsFinal()), (UpstreamState.Failed, _ => true),
                 })
        {
            if (runs.FirstOrDefault(r => match(r.Status)) is { Id: var id } run && id != Guid.Empty)
            {
                return (state, run);
            }
        }

        return (UpstreamState.NoRun, null);
    }

    public static string Describe(DependencyCheck c) => c.State switch
    {
        UpstreamState.Running => $"Waiting for '{c.UpstreamJobName}' of {c.Date:yyyy-MM-dd}: its run has not ended.",
        UpstreamState.Failed => $"'{c.UpstreamJobName}' of {c.Date:yyyy-MM-dd} did not succeed.",
        UpstreamState.NoRun => $"Waiting for '{c.UpstreamJobName}' of {c.Date:yyyy-MM-dd}: it has no run for that date yet.",
        _ => $"'{c.UpstreamJobName}' of {c.Date:yyyy-MM-dd} succeeded.",
    };
}

/// <summary>The scheduling gate of workflows: a dependent slot starts when all its upstreams succeeded for its date.</summary>
internal sealed class DependencyGate(IDbContextFactory<AllDataDbContext> factory) : IRunGate
{
    public async Task<RunGateResult> CheckAsync(RunGateRequest request, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = request.WorkspaceId;
        var checks = await DependencyChecks.ForAsync(db, request.JobId, request.LogicalTime, request.TimeZoneId, ct);
        var unmet = checks.Where(c => !c.Met).ToList();
        if (unmet.Count == 0)
        {
            return RunGateResult.Open;
        }

        var failed = unmet.Where(c => c.State == UpstreamState.Failed).ToList();
        if (failed.FirstOrDefault(c => c.OnFailure == UpstreamFailurePolicy.Fail) is { } fail)
        {
            return RunGateResult.Fail(DependencyChecks.Describe(fail) + " (dependency policy: fail)");
        }

        if (failed.FirstOrDefault(c => c.OnFailure == UpstreamFailurePolicy.Skip) is { } skip)
        {
            return RunGateResult.Skip(DependencyChecks.Describe(skip) + " (dependency policy: skip)");
        }

        return RunGateResult.Wait(string.Join(" ", unmet.Select(DependencyChecks.Describe)));
    }
}

/// <summary>
/// A workspace's job dependencies as the signed-in user sees them: Viewers read and ask why a slot waits, Developers
/// add, change and remove edges; an edge that would close a cycle is refused with the cycle named.
/// </summary>
public sealed class DependencyService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal DependencyService(AppDb appDb, WorkspaceContext workspace, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.clock = clock;
    }

    /// <summary>The edges touching <paramref name="jobId"/>: its upstreams and its downstreams (all edges when null).</summary>
    public async Task<IReadOnlyList<DependencyRow>> ListAsync(Guid? jobId = null, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        if (jobId is { } id && !await db.Set<Job>().AnyAsync(j => j.Id == id, ct))
        {
            throw new NotFoundException("That job does not exist.");
        }

        return await (from d in db.Set<JobDependency>().AsNoTracking()
                      join j in db.Set<Job>().AsNoTracking() on d.JobId equals j.Id
                      join u in db.Set<Job>().AsNoTracking() on d.UpstreamJobId equals u.Id
                      where jobId == null || d.JobId == jobId || d.UpstreamJobId == jobId
                      orderby j.Name, u.Name
                      select new DependencyRow(d.Id, d.JobId, j.Name, d.UpstreamJobId, u.Name, d.Date, d.OnFailure)).ToListAsync(ct);
    }

    public async Task<Guid> AddAsync(Guid jobId, Guid upstreamJobId, DependencyDate date, UpstreamFailurePolicy onFailure, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "edit job dependencies");
        var names = await db.Set<Job>().AsNoTracking().Where(j => j.Id == jobId || j.Id == upstreamJobId).ToDictionaryAsync(j => j.Id, j => j.Name, ct);
        if (!names.TryGetValue(jobId, out var jobName) || !names.TryGetValue(upstreamJobId, out var upstreamName))
        {
            throw new NotFoundException("That job does not exist.");
        }

        if (await db.Set<JobDependency>().AnyAsync(d => d.JobId == jobId && d.UpstreamJobId == upstreamJobId, ct))
        {
            throw new DomainException($"'{jobName}' already depends on '{upstreamName}'.");
        }

        var edges = await db.Set<JobDependency>().AsNoTracking().Select(d => new { d.JobId, d.UpstreamJobId }).ToListAsync(ct);
        if (DependencyGraph.CycleIfAdded(edges.Select(e => (e.JobId, e.UpstreamJobId)), jobId, upstreamJobId) is { } cycle)
        {
            var all = await db.Set<Job>().AsNoTracking().Where(j => cycle.Contains(j.Id)).ToDictionaryAsync(j => j.Id, j => j.Name, ct);
            throw new DomainException($"That would make a cycle: {string.Join(" → ", cycle.Select(id => all.GetValueOrDefault(id, "?")))}.");
        }

        var dependency = new JobDependency(access.WorkspaceId, jobId, upstreamJobId, date, onFailure, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        db.Add(dependency);
        await db.SaveChangesAsync(ct);
        return dependency.Id;
    }

    public async Task ChangeAsync(Guid id, DependencyDate date, UpstreamFailurePolicy onFailure, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "edit job dependencies");
        var dependency = await db.Set<JobDependency>().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException("That dependency does not exist.");
        dependency.Change(date, onFailure);
        await db.SaveChangesAsync(ct);
    }

    public async Task RemoveAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "edit job dependencies");
        if (await db.Set<JobDependency>().Where(d => d.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            throw new NotFoundException("That dependency does not exist.");
        }
    }

    /// <summary>
    /// Every job that has a dependency, in columns (upstreams left), each with its state for <paramref name="date"/> in
    /// its schedule's time zone (UTC when unscheduled): the run that decides a dependency on it, or a waiting slot.
    /// </summary>
    public async Task<WorkflowGraph> GraphAsync(DateOnly date, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var edges = await db.Set<JobDependency>().AsNoTracking()
            .Select(d => new GraphEdge(d.UpstreamJobId, d.JobId, d.Date, d.OnFailure)).ToListAsync(ct);
        var ids = edges.Select(e => e.JobId).Concat(edges.Select(e => e.UpstreamJobId)).Distinct().ToList();
        if (ids.Count == 0)
        {
            return new WorkflowGraph(date, [], []);
        }

        var names = await db.Set<Job>().AsNoTracking().Where(j => ids.Contains(j.Id)).ToDictionaryAsync(j => j.Id, j => j.Name, ct);
        var schedules = (await db.Set<Schedule>().AsNoTracking().Where(s => ids.Contains(s.JobId)).OrderBy(s => s.CreatedAt)
            .Select(s => new { s.Id, s.JobId, s.TimeZoneId }).ToListAsync(ct)).DistinctBy(s => s.JobId).ToDictionary(s => s.JobId);
        var zones = ids.ToDictionary(id => id, id => ScheduleTimeline.ZoneOrUtc(schedules.GetValueOrDefault(id)?.TimeZoneId ?? "UTC"));
        // One read for all the jobs: every run within a day either side, then each job keeps those of its own date.
        var from = ScheduleTimeline.StartOfDay(date.AddDays(-1), TimeZoneInfo.Utc);
        var to = ScheduleTimeline.StartOfDay(date.AddDays(2), TimeZoneInfo.Utc);
        var runs = await db.Set<JobRun>().AsNoTracking()
            .Where(r => ids.Contains(r.JobId) && r.LogicalTime >= from && r.LogicalTime < to)
            .OrderByDescending(r => r.CreatedAt).Select(r => new { r.Id, r.JobId, r.Status, r.LogicalTime }).ToListAsync(ct);
        var scheduleIds = schedules.Values.Select(s => s.Id).ToList();
        var queued = await db.Set<ScheduleSlot>().AsNoTracking()
            .Where(s => scheduleIds.Contains(s.ScheduleId) && s.State == SlotState.Queued && s.LogicalTime >= from && s.LogicalTime < to)
            .Select(s => new { s.ScheduleId, s.LogicalTime }).ToListAsync(ct);
        var layers = DependencyGraph.Layers(ids, edges.Select(e => (e.JobId, e.UpstreamJobId)));
        var rows = new Dictionary<int, int>();
        return new WorkflowGraph(date, [.. ids.OrderBy(id => layers[id]).ThenBy(id => names.GetValueOrDefault(id), StringComparer.OrdinalIgnoreCase).Select(id =>
        {
            var zone = zones[id];
            var (state, run) = DependencyChecks.Standing(runs.Where(r => r.JobId == id && r.LogicalTime is { } t && ScheduleTimeline.DateIn(t, zone) == date)
                .Select(r => (r.Id, r.Status)));
            var schedule = schedules.GetValueOrDefault(id);
            var waiting = schedule is not null && queued.Any(q => q.ScheduleId == schedule.Id && ScheduleTimeline.DateIn(q.LogicalTime, zone) == date);
            var layer = layers[id];
            rows[layer] = rows.GetValueOrDefault(layer) + 1;
            return new GraphNode(id, names.GetValueOrDefault(id, "?"), layer, rows[layer] - 1, schedule?.Id, zone.Id, state, waiting, run?.Id, run?.Status);
        })], edges);
    }

    /// <summary>"Why is this not running?": each dependency of the schedule's job for <paramref name="logicalTime"/>, checked.</summary>
    public async Task<IReadOnlyList<DependencyCheck>> CheckAsync(Guid scheduleId, DateTimeOffset logicalTime, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var schedule = await db.Set<Schedule>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == scheduleId, ct)
                       ?? throw new NotFoundException("That schedule does not exist.");
        return await DependencyChecks.ForAsync(db, schedule.JobId, logicalTime, schedule.TimeZoneId, ct);
    }
}
