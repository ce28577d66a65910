using System.Collections.Concurrent;

namespace AllData.Tests.Fakes.Flink;

/// <summary>
/// A Flink History Server: serves the JobManager's read-only REST paths (<c>/config</c>, <c>/jobs/overview</c>,
/// <c>/jobs/{jobid}</c>, its exceptions and checkpoints) for the jobs archived to it, checked against the dispatcher spec like
/// the JobManager. A job the JobManager archives on ending stays here after the JobManager forgot it; a job never archived
/// (it was running when a JobManager without HA died) answers 404.
/// </summary>
public sealed class FakeHistoryServer(FakeJobManager jobManager) : FakeFlinkServer(jobManager.Specs)
{
    private readonly ConcurrentDictionary<string, FakeFlinkJob> archived = new();

    public IReadOnlyCollection<FakeFlinkJob> Archived => [.. archived.Values];

    /// <summary>Archives a job as the JobManager does when it ends (the History Server's refresh is instant here).</summary>
    public void Archive(FakeFlinkJob job) => archived[job.Id] = job;

    protected override (SpecDocument? Spec, string Path, int Version) SelectSpec(string rawPath) => (Specs.Dispatcher, rawPath, 1);

    protected override Task<FakeResponse> HandleAsync(FakeRequest r, CancellationToken ct) => Task.FromResult(r.Operation.Key switch
    {
        "GET /config" => FakeResponse.Ok(jobManager.ConfigBody()),
        "GET /jobs/overview" => jobManager.JobsOverview(archived.Values),
        "GET /jobs/{jobid}" => WithJob(r, jobManager.JobDetailsOf),
        "GET /jobs/{jobid}/exceptions" => WithJob(r, j => FakeResponse.Ok(FakeJobManager.ExceptionsOf(j, r.Query))),
        "GET /jobs/{jobid}/checkpoints" => WithJob(r, j => FakeResponse.Ok(FakeJobManager.CheckpointsOf(j))),
        _ => FakeResponse.Error(404, $"Not found: {r.Path}"),
    });

    private FakeResponse WithJob(FakeRequest r, Func<FakeFlinkJob, FakeResponse> answer) =>
        archived.TryGetValue(r.PathValues["jobid"], out var job) ? answer(job) : FakeResponse.Error(404, $"Not found: {r.Path}");
}
