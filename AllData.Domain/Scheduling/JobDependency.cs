using AllData.Domain.Common;

namespace AllData.Domain.Scheduling;

/// <summary>Which logical date of the upstream a dependent slot needs.</summary>
public enum DependencyDate
{
    /// <summary>The upstream's run of the same logical date.</summary>
    SameDate,

    /// <summary>The upstream's run of the day before (yesterday's data).</summary>
    PreviousDate,
}

/// <summary>What a dependent slot does when the upstream run it needs failed.</summary>
public enum UpstreamFailurePolicy
{
    /// <summary>It keeps waiting: a rerun of the upstream that succeeds releases it.</summary>
    Wait,

    /// <summary>It fails (no run starts), with the upstream named.</summary>
    Fail,

    /// <summary>It is skipped, with the upstream named.</summary>
    Skip,
}

/// <summary>
/// A workflow edge: scheduled slots of <see cref="JobId"/> start only when <see cref="UpstreamJobId"/> has a finished
/// run of the same (or the previous) logical date. A job's slot needs all its upstreams.
/// </summary>
public sealed class JobDependency : IWorkspaceOwned
{
    private JobDependency()
    {
        CreatedBy = string.Empty;
    }

    public JobDependency(Guid workspaceId, Guid jobId, Guid upstreamJobId, DependencyDate date, UpstreamFailurePolicy onFailure, string createdBy, DateTimeOffset at)
    {
        if (jobId == upstreamJobId)
        {
            throw new DomainException("A job cannot depend on itself.");
        }

        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        JobId = jobId;
        UpstreamJobId = upstreamJobId;
        Date = date;
        OnFailure = onFailure;
        CreatedBy = createdBy.Length <= Schedule.MaxUserLength ? createdBy : createdBy[..Schedule.MaxUserLength];
        CreatedAt = at;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public Guid JobId { get; private set; }

    public Guid UpstreamJobId { get; private set; }

    public DependencyDate Date { get; private set; }

    public UpstreamFailurePolicy OnFailure { get; private set; }

    public string CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public void Change(DependencyDate date, UpstreamFailurePolicy onFailure)
    {
        Date = date;
        OnFailure = onFailure;
    }
}

/// <summary>The rules of a workspace's dependency graph.</summary>
public static class DependencyGraph
{
    /// <summary>
    /// The cycle that adding <paramref name="job"/> → depends on → <paramref name="upstream"/> would close, as the jobs
    /// in order (starting and ending with <paramref name="job"/>), or null when the graph stays acyclic.
    /// </summary>
    public static IReadOnlyList<Guid>? CycleIfAdded(IEnumerable<(Guid Job, Guid Upstream)> edges, Guid job, Guid upstream)
    {
        var upstreamsOf = edges.GroupBy(e => e.Job).ToDictionary(g => g.Key, g => g.Select(e => e.Upstream).ToList());
        // A cycle exists when `job` is reachable upstream from `upstream`.
        var path = new List<Guid> { job, upstream };
        var seen = new HashSet<Guid> { upstream };
        return Walk(upstream) ? path : null;

        bool Walk(Guid at)
        {
            if (at == job)
            {
                return true;
            }

            foreach (var next in upstreamsOf.GetValueOrDefault(at) ?? [])
            {
                if (!seen.Add(next) && next != job)
                {
                    continue;
                }

                path.Add(next);
                if (Walk(next))
                {
                    return true;
                }

                path.RemoveAt(path.Count - 1);
            }

            return false;
        }
    }

    /// <summary>
    /// Each job's column in a left-to-right drawing of the graph: 0 for jobs without upstreams, else one more than its
    /// furthest upstream (Kahn's order; the graph is acyclic, cycles are refused at save).
    /// </summary>
    public static IReadOnlyDictionary<Guid, int> Layers(IEnumerable<Guid> jobs, IEnumerable<(Guid Job, Guid Upstream)> edges)
    {
        var list = edges.ToList();
        var layer = jobs.Concat(list.Select(e => e.Job)).Concat(list.Select(e => e.Upstream)).Distinct().ToDictionary(j => j, _ => 0);
        var waitingFor = layer.Keys.ToDictionary(j => j, j => list.Count(e => e.Job == j));
        var ready = new Queue<Guid>(waitingFor.Where(w => w.Value == 0).Select(w => w.Key));
        while (ready.TryDequeue(out var job))
        {
            foreach (var edge in list.Where(e => e.Upstream == job))
            {
                layer[edge.Job] = Math.Max(layer[edge.Job], layer[job] + 1);
                if (--waitingFor[edge.Job] == 0)
                {
                    ready.Enqueue(edge.Job);
                }
            }
        }

        return layer;
    }

    /// <summary>The logical date the upstream's run must have, for a slot on <paramref name="slotDate"/>.</summary>
    public static DateOnly UpstreamDate(DependencyDate date, DateOnly slotDate) => date == DependencyDate.PreviousDate ? slotDate.AddDays(-1) : slotDate;
}
