using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using AllData.Domain.Flink;

namespace AllData.Tests.Fakes.Flink;

public enum FakeSavepointOutcome
{
    Succeed,
    Fail,

    /// <summary>Stays IN_PROGRESS forever: for timeouts.</summary>
    NeverComplete,
}

public sealed record FakeJar(string Id, string Name, long Uploaded, byte[] Content);

public sealed record FakeTaskManager(string Id, int Slots, int FreeSlots);

/// <summary>The fake JobManager REST API v1: jobs, savepoints, jars, metrics, logs and task managers, checked against the release's spec.</summary>
public sealed class FakeJobManager(FlinkSpecSet specs) : FakeFlinkServer(specs)
{
    private readonly ConcurrentDictionary<string, FakeFlinkJob> jobs = new();
    private readonly ConcurrentDictionary<string, FakeJar> jars = new();
    private readonly ConcurrentDictionary<string, SavepointOperation> savepoints = new();

    public IReadOnlyCollection<FakeFlinkJob> Jobs => [.. jobs.Values];

    public IReadOnlyCollection<FakeJar> Jars => [.. jars.Values];

    public List<FakeTaskManager> TaskManagers { get; } = [new("172.18.0.5:36635-0b1f6c", 4, 2), new("172.18.0.6:41221-9a8e7d", 4, 4)];

    public Dictionary<string, string> JobManagerLogFiles { get; } = new()
    {
        ["jobmanager.log"] = "2026-11-24 10:00:00 INFO  StandaloneSessionClusterEntrypoint - Starting\n2026-11-24 10:00:01 INFO  Dispatcher - Ready\n",
        ["jobmanager.out"] = "stdout line\n",
    };

    public Dictionary<string, string> TaskManagerLogFiles { get; } = new()
    {
        ["taskmanager.log"] = "2026-11-24 10:00:02 INFO  TaskExecutor - Registered at the JobManager\n",
        ["taskmanager.out"] = "tm stdout\n",
    };

    public FakeSavepointOutcome SavepointOutcome { get; set; } = FakeSavepointOutcome.Succeed;

    /// <summary>Status polls that still answer IN_PROGRESS before a savepoint completes.</summary>
    public int SavepointPollsInProgress { get; set; } = 1;

    public FakeFlinkJob this[string jobId] => jobs[jobId];

    /// <summary>
    /// Flink's <c>jobstore.expiration-time</c>: a job that ended longer ago is dropped (gone from the overview, 404 on look-ups).
    /// Null (the fake's default) keeps ended jobs forever; real Flink drops them after an hour.
    /// </summary>
    public TimeSpan? JobStoreExpiration { get; set; }

    /// <summary>Where ended jobs are archived (<c>jobmanager.archive.fs.dir</c> read by a History Server); null: none.</summary>
    public FakeHistoryServer? ArchiveTo { get; set; }

    public FakeFlinkJob AddJob(string name, FlinkJobState state = FlinkJobState.Running, string? jobId = null)
    {
        var job = new FakeFlinkJob(jobId ?? Guid.NewGuid().ToString("N"), name, Time, state);
        job.Ended = j => ArchiveTo?.Archive(j);
        return jobs.TryAdd(job.Id, job) ? job : throw new InvalidOperationException($"Job {job.Id} exists.");
    }

    public bool RemoveJob(string jobId) => jobs.TryRemove(jobId, out _);

    /// <summary>Drops every ended job at once, as the job store does once their expiration time has passed.</summary>
    public int ForgetEndedJobs() => jobs.Values.Where(j => j.State.IsGloballyTerminal()).Count(j => jobs.TryRemove(j.Id, out _));

    /// <summary>
    /// Restarts the JobManager. Without high availability it forgets every job, running or ended (their tasks are lost with it);
    /// with it, the jobs are recovered.
    /// </summary>
    public async Task RestartAsync(bool highAvailability = false)
    {
        await StopAsync();
        if (!highAvailability)
        {
            jobs.Clear();
            savepoints.Clear();
        }

        await StartAsync();
    }

    /// <summary>Advances every scripted job by one state; returns how many moved.</summary>
    public int Advance() => jobs.Values.Count(j => j.Advance());

    protected override (SpecDocument? Spec, string Path, int Version) SelectSpec(string rawPath) =>
        (Specs.Dispatcher, rawPath.StartsWith("/v1/", StringComparison.Ordinal) ? rawPath[3..] : rawPath, 1);

    protected override Task<FakeResponse> HandleAsync(FakeRequest r, CancellationToken ct)
    {
        ExpireEndedJobs();
        return Task.FromResult(Answer(r));
    }

    /// <summary>The jobs as <c>GET /jobs/overview</c> lists them; off-spec when a job reports a state outside the spec's enum.</summary>
    internal FakeResponse JobsOverview(IEnumerable<FakeFlinkJob> listed)
    {
        var list = listed.OrderBy(j => j.StartTime).ToList();
        return FakeResponse.Ok(new JsonObject { ["jobs"] = new JsonArray([.. list.Select(JobSummary)]) }) with { OffSpec = list.Any(j => j.ReportedState is not null) };
    }

    internal FakeResponse JobDetailsOf(FakeFlinkJob j) => FakeResponse.Ok(JobDetails(j)) with { OffSpec = j.ReportedState is not null };

    internal static JsonObject ExceptionsOf(FakeFlinkJob j, IReadOnlyDictionary<string, string> query) => Exceptions(j, query);

    internal static JsonObject CheckpointsOf(FakeFlinkJob j) => Checkpoints(j);

    internal JsonObject ConfigBody() => Config();

    private void ExpireEndedJobs()
    {
        if (JobStoreExpiration is not { } expiration)
        {
            return;
        }

        var cutoff = Time.GetUtcNow().ToUnixTimeMilliseconds() - (long)expiration.TotalMilliseconds;
        foreach (var job in jobs.Values.Where(j => j.State.IsGloballyTerminal() && j.EndTime > 0 && j.EndTime <= cutoff))
        {
            jobs.TryRemove(job.Id, out _);
        }
    }

    private FakeResponse Answer(FakeRequest r) => r.Operation.Key switch
    {
        "GET /overview" => FakeResponse.Ok(Overview()),
        "GET /config" => FakeResponse.Ok(Config()),
        "GET /jobs/overview" => JobsOverview(jobs.Values),
        "GET /jobs/{jobid}" => WithJob(r, JobDetailsOf),
        "PATCH /jobs/{jobid}" => WithJob(r, Cancel),
        "GET /jobs/{jobid}/exceptions" => WithJob(r, j => FakeResponse.Ok(Exceptions(j, r.Query))),
        "GET /jobs/{jobid}/checkpoints" => WithJob(r, j => FakeResponse.Ok(Checkpoints(j))),
        "POST /jobs/{jobid}/savepoints" => WithJob(r, j => TriggerSavepoint(j, r.Json!, stop: false)),
        "POST /jobs/{jobid}/stop" => WithJob(r, j => TriggerSavepoint(j, r.Json!, stop: true)),
        "GET /jobs/{jobid}/savepoints/{triggerid}" => WithJob(r, j => SavepointStatus(j, r.PathValues["triggerid"])),
        "GET /jobs/{jobid}/metrics" => WithJob(r, j => FakeResponse.Ok(JobMetrics(j, r.Query))),
        "GET /jobs/{jobid}/vertices/{vertexid}/subtasks/metrics" => WithJob(r, j => VertexMetrics(j, r)),
        "POST /jars/upload" => UploadJar(r.Upload!),
        "GET /jars" => FakeResponse.Ok(JarList()),
        "DELETE /jars/{jarid}" => jars.TryRemove(r.PathValues["jarid"], out _)
            ? FakeResponse.Ok(new JsonObject())
            : FakeResponse.Error(404, $"org.apache.flink.runtime.rest.handler.RestHandlerException: File {r.PathValues["jarid"]} does not exist in /tmp/flink-web-upload."),
        "POST /jars/{jarid}/run" => RunJar(r),
        "GET /jobmanager/logs" => FakeResponse.Ok(LogList(JobManagerLogFiles)),
        "GET /jobmanager/log" => new FakeResponse(200, Text: JobManagerLogFiles["jobmanager.log"]),
        "GET /jobmanager/stdout" => new FakeResponse(200, Text: JobManagerLogFiles["jobmanager.out"]),
        "GET /jobmanager/logs/{filename}" => LogFile(JobManagerLogFiles, r.PathValues["filename"]),
        "GET /taskmanagers" => FakeResponse.Ok(new JsonObject { ["taskmanagers"] = new JsonArray([.. TaskManagers.Select(TaskManager)]) }),
        "GET /taskmanagers/{taskmanagerid}/logs" => WithTaskManager(r, () => FakeResponse.Ok(LogList(TaskManagerLogFiles))),
        "GET /taskmanagers/{taskmanagerid}/log" => WithTaskManager(r, () => LogFile(TaskManagerLogFiles, "taskmanager.log")),
        "GET /taskmanagers/{taskmanagerid}/stdout" => WithTaskManager(r, () => LogFile(TaskManagerLogFiles, "taskmanager.out")),
        "GET /taskmanagers/{taskmanagerid}/logs/{filename}" => WithTaskManager(r, () => LogFile(TaskManagerLogFiles, r.PathValues["filename"])),
        _ => FakeResponse.Error(501, $"The fake JobManager does not serve {r.Operation.Key}."),
    };

    private FakeResponse WithJob(FakeRequest r, Func<FakeFlinkJob, FakeResponse> answer) =>
        jobs.TryGetValue(r.PathValues["jobid"], out var job)
            ? answer(job)
            : FakeResponse.Error(404, $"org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job ({r.PathValues["jobid"]})");

    private FakeResponse WithTaskManager(FakeRequest r, Func<FakeResponse> answer) =>
        TaskManagers.Any(t => t.Id == r.PathValues["taskmanagerid"])
            ? answer()
            : FakeResponse.Error(404, $"org.apache.flink.runtime.resourcemanager.exceptions.UnknownTaskExecutorException: No TaskExecutor registered under {r.PathValues["taskmanagerid"]}.");

    private JsonObject Overview()
    {
        var all = jobs.Values.ToList();
        return new JsonObject
        {
            ["taskmanagers"] = TaskManagers.Count,
            ["slots-total"] = TaskManagers.Sum(t => t.Slots),
            ["slots-available"] = TaskManagers.Sum(t => t.FreeSlots),
            ["jobs-running"] = all.Count(j => !j.State.IsGloballyTerminal()),
            ["jobs-finished"] = all.Count(j => j.State == FlinkJobState.Finished),
            ["jobs-cancelled"] = all.Count(j => j.State == FlinkJobState.Canceled),
            ["jobs-failed"] = all.Count(j => j.State == FlinkJobState.Failed),
            ["flink-version"] = Specs.FlinkVersion,
            ["flink-commit"] = "9ee1037",
        };
    }

    private JsonObject Config() => new()
    {
        ["refresh-interval"] = 3000,
        ["timezone-name"] = "Coordinated Universal Time",
        ["timezone-offset"] = 0,
        ["flink-version"] = Specs.FlinkVersion,
        ["flink-revision"] = "9ee1037 @ 2026-08-20T00:00:00+00:00",
        ["features"] = new JsonObject { ["web-submit"] = true, ["web-cancel"] = true, ["web-rescale"] = false, ["web-history"] = false },
    };

    private JsonObject JobSummary(FakeFlinkJob j) => new()
    {
        ["jid"] = j.Id,
        ["name"] = j.Name,
        ["state"] = j.WireState,
        ["start-time"] = j.StartTime,
        ["end-time"] = j.EndTime,
        ["duration"] = Duration(j),
        ["last-modification"] = j.LastModification,
        ["tasks"] = Tasks(j),
    };

    private JsonObject JobDetails(FakeFlinkJob j) => new()
    {
        ["jid"] = j.Id,
        ["name"] = j.Name,
        ["isStoppable"] = false,
        ["state"] = j.WireState,
        ["job-type"] = "STREAMING",
        ["start-time"] = j.StartTime,
        ["end-time"] = j.EndTime,
        ["duration"] = Duration(j),
        ["maxParallelism"] = -1,
        ["now"] = Time.GetUtcNow().ToUnixTimeMilliseconds(),
        ["timestamps"] = new JsonObject([.. Enum.GetValues<FlinkJobState>().Select(s =>
            KeyValuePair.Create<string, JsonNode?>(s.ToWireName(), j.Timestamps.GetValueOrDefault(s)))]),
        ["vertices"] = new JsonArray([.. j.Vertices.Select(v => new JsonObject
        {
            ["id"] = v.Id,
            ["name"] = v.Name,
            ["maxParallelism"] = 128,
            ["parallelism"] = v.Parallelism,
            ["status"] = ExecutionState(j.State),
            ["start-time"] = j.StartTime,
            ["end-time"] = j.EndTime,
            ["duration"] = Duration(j),
            ["tasks"] = Tasks(j),
            ["metrics"] = new JsonObject
            {
                ["read-bytes"] = 2048,
                ["read-bytes-complete"] = true,
                ["write-bytes"] = 1024,
                ["write-bytes-complete"] = true,
                ["read-records"] = 200,
                ["read-records-complete"] = true,
                ["write-records"] = 100,
                ["write-records-complete"] = true,
                ["accumulated-backpressured-time"] = 0,
                ["accumulated-idle-time"] = 0,
                ["accumulated-busy-time"] = 0.0,
            },
        })]),
        ["status-counts"] = Tasks(j),
    };

    private static JsonObject Exceptions(FakeFlinkJob j, IReadOnlyDictionary<string, string> query)
    {
        var max = query.TryGetValue("maxExceptions", out var m) ? int.Parse(m, CultureInfo.InvariantCulture) : 20;
        var entries = j.Exceptions.AsEnumerable().Reverse().ToList();
        return new JsonObject
        {
            ["exceptionHistory"] = new JsonObject
            {
                ["entries"] = new JsonArray([.. entries.Take(max).Select(e => new JsonObject
                {
                    ["exceptionName"] = e.ExceptionName,
                    ["stacktrace"] = e.StackTrace,
                    ["timestamp"] = e.Timestamp,
                    ["taskName"] = e.TaskName,
                    ["endpoint"] = "172.18.0.5:36635",
                    ["taskManagerId"] = "172.18.0.5:36635-0b1f6c",
                    ["failureLabels"] = new JsonObject(),
                    ["concurrentExceptions"] = new JsonArray(),
                })]),
                ["truncated"] = entries.Count > max,
            },
        };
    }

    private static JsonObject Checkpoints(FakeFlinkJob j)
    {
        var completed = j.Checkpoints.Where(c => c.FailureMessage is null).ToList();
        var failed = j.Checkpoints.Where(c => c.FailureMessage is not null).ToList();
        var latest = new JsonObject();
        if (completed.LastOrDefault(c => !c.IsSavepoint) is { } lastCheckpoint)
        {
            latest["completed"] = Checkpoint(lastCheckpoint);
        }

        if (completed.LastOrDefault(c => c.IsSavepoint) is { } lastSavepoint)
        {
            latest["savepoint"] = Checkpoint(lastSavepoint);
        }

        if (failed.LastOrDefault() is { } lastFailed)
        {
            latest["failed"] = Checkpoint(lastFailed);
        }

        return new JsonObject
        {
            ["counts"] = new JsonObject
            {
                ["restored"] = 0,
                ["total"] = j.Checkpoints.Count,
                ["in_progress"] = 0,
                ["completed"] = completed.Count,
                ["failed"] = failed.Count,
            },
            ["latest"] = latest,
            ["history"] = new JsonArray([.. j.Checkpoints.AsEnumerable().Reverse().Select(Checkpoint)]),
        };
    }

    private static JsonObject Checkpoint(FakeCheckpoint c)
    {
        var node = new JsonObject
        {
            ["className"] = c.FailureMessage is null ? "completed" : "failed",
            ["id"] = c.Id,
            ["status"] = c.FailureMessage is null ? "COMPLETED" : "FAILED",
            ["is_savepoint"] = c.IsSavepoint,
            ["checkpoint_type"] = c.IsSavepoint ? "SAVEPOINT" : "CHECKPOINT",
            ["trigger_timestamp"] = c.TriggerTimestamp,
            ["latest_ack_timestamp"] = c.TriggerTimestamp + c.Duration,
            ["end_to_end_duration"] = c.Duration,
            ["state_size"] = c.StateSize,
            ["checkpointed_size"] = c.StateSize,
            ["num_subtasks"] = 4,
            ["num_acknowledged_subtasks"] = c.FailureMessage is null ? 4 : 1,
            ["tasks"] = new JsonObject(),
        };
        if (c.FailureMessage is null)
        {
            node["external_path"] = c.ExternalPath;
            node["discarded"] = false;
        }
        else
        {
            node["failure_message"] = c.FailureMessage;
            node["failure_timestamp"] = c.TriggerTimestamp + 1000;
        }

        return node;
    }

    private static FakeResponse Cancel(FakeFlinkJob job)
    {
        if (job.State.IsGloballyTerminal())
        {
            return FakeResponse.Error(409, $"Job {job.Id} is in state {job.State.ToWireName()} and cannot be canceled.");
        }

        job.MoveTo(FlinkJobState.Canceled);
        return FakeResponse.Accepted(new JsonObject());
    }

    private FakeResponse TriggerSavepoint(FakeFlinkJob job, JsonNode body, bool stop)
    {
        if (job.State != FlinkJobState.Running)
        {
            return FakeResponse.Error(409, $"Job {job.Id} is not running (state {job.State.ToWireName()}).");
        }

        var triggerId = body["triggerId"]?.GetValue<string>() ?? Guid.NewGuid().ToString("N");
        var directory = (stop ? body["targetDirectory"] : body["target-directory"])?.GetValue<string>() ?? "file:/savepoints";
        var cancel = stop || (body["cancel-job"]?.GetValue<bool>() ?? false);
        savepoints.TryAdd(triggerId, new SavepointOperation(job.Id, directory, cancel, stop, SavepointPollsInProgress));
        return FakeResponse.Accepted(new JsonObject { ["request-id"] = triggerId });
    }

    private FakeResponse SavepointStatus(FakeFlinkJob job, string triggerId)
    {
        if (!savepoints.TryGetValue(triggerId, out var op) || op.JobId != job.Id)
        {
            return FakeResponse.Error(404, $"org.apache.flink.runtime.rest.handler.RestHandlerException: There is no savepoint operation with triggerId={triggerId} for job {job.Id}.");
        }

        lock (op)
        {
            if (SavepointOutcome == FakeSavepointOutcome.NeverComplete || op.PollsLeft-- > 0)
            {
                return FakeResponse.Ok(new JsonObject { ["status"] = new JsonObject { ["id"] = "IN_PROGRESS" } });
            }

            if (SavepointOutcome == FakeSavepointOutcome.Fail)
            {
                return FakeResponse.Ok(new JsonObject
                {
                    ["status"] = new JsonObject { ["id"] = "COMPLETED" },
                    ["operation"] = new JsonObject
                    {
                        ["failure-cause"] = new JsonObject
                        {
                            ["class"] = "org.apache.flink.runtime.checkpoint.CheckpointException",
                            ["stack-trace"] = "org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.",
                            ["serialized-throwable"] = Convert.ToBase64String("rO0ABXNy"u8.ToArray()),
                        },
                    },
                });
            }

            if (op.Location is null)
            {
                op.Location = job.CompleteCheckpoint(isSavepoint: true, $"{op.Directory}/savepoint-{job.Id[..6]}-{triggerId[..12]}").ExternalPath;
                if (op.EndsJob)
                {
                    job.MoveTo(op.Stop ? FlinkJobState.Finished : FlinkJobState.Canceled);
                }
            }

            return FakeResponse.Ok(new JsonObject
            {
                ["status"] = new JsonObject { ["id"] = "COMPLETED" },
                ["operation"] = new JsonObject { ["location"] = op.Location },
            });
        }
    }

    private static JsonArray JobMetrics(FakeFlinkJob job, IReadOnlyDictionary<string, string> query)
    {
        if (!query.TryGetValue("get", out var get))
        {
            return new JsonArray([.. job.JobMetrics.Keys.Select(k => new JsonObject { ["id"] = k })]);
        }

        return new JsonArray([.. get.Split(',').Where(job.JobMetrics.ContainsKey).Select(k => new JsonObject { ["id"] = k, ["value"] = job.JobMetrics[k] })]);
    }

    private static FakeResponse VertexMetrics(FakeFlinkJob job, FakeRequest r)
    {
        if (job.Vertices.All(v => v.Id != r.PathValues["vertexid"]))
        {
            return FakeResponse.Error(404, $"Vertex {r.PathValues["vertexid"]} not found.");
        }

        if (!r.Query.TryGetValue("get", out var get))
        {
            return FakeResponse.Ok(new JsonArray([.. job.SubtaskMetrics.Keys.Select(k => new JsonObject { ["id"] = k })]));
        }

        var aggs = r.Query.TryGetValue("agg", out var agg) ? agg.ToLowerInvariant().Split(',') : ["min", "max", "avg", "sum", "skew"];
        var metrics = get.Split(',').Where(job.SubtaskMetrics.ContainsKey).Select(k =>
        {
            var values = job.SubtaskMetrics[k];
            var node = new JsonObject { ["id"] = k };
            foreach (var a in aggs)
            {
                node[a] = a switch
                {
                    "min" => values.Min(),
                    "max" => values.Max(),
                    "avg" => values.Average(),
                    "sum" => values.Sum(),
                    _ => values.Max() == 0 ? 0 : (values.Max() - values.Min()) / values.Max() * 100,
                };
            }

            return node;
        });
        return FakeResponse.Ok(new JsonArray([.. metrics]));
    }

    private FakeResponse UploadJar(FakeUpload upload)
    {
        var id = $"{Guid.NewGuid()}_{upload.FileName}";
        jars[id] = new FakeJar(id, upload.FileName, Time.GetUtcNow().ToUnixTimeMilliseconds(), upload.Content);
        return FakeResponse.Ok(new JsonObject { ["filename"] = $"/tmp/flink-web-upload/{id}", ["status"] = "success" });
    }

    private JsonObject JarList() => new()
    {
        ["address"] = BaseUrl.ToString().TrimEnd('/'),
        ["files"] = new JsonArray([.. jars.Values.OrderBy(j => j.Uploaded).Select(j => new JsonObject
        {
            ["id"] = j.Id,
            ["name"] = j.Name,
            ["uploaded"] = j.Uploaded,
            ["entry"] = new JsonArray(new JsonObject { ["name"] = "com.example.StreamingJob", ["description"] = "No description provided" }),
        })]),
    };

    private FakeResponse RunJar(FakeRequest r)
    {
        if (!jars.TryGetValue(r.PathValues["jarid"], out var jar))
        {
            return FakeResponse.Error(400, $"org.apache.flink.runtime.rest.handler.RestHandlerException: Jar file /tmp/flink-web-upload/{r.PathValues["jarid"]} does not exist");
        }

        var body = r.Json!;
        var jobId = body["jobId"]?.GetValue<string>();
        if (jobId is not null && jobs.ContainsKey(jobId))
        {
            return FakeResponse.Error(409, $"org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted. JobID: {jobId}");
        }

        var job = AddJob(body["entryClass"]?.GetValue<string>() ?? jar.Name, FlinkJobState.Running, jobId);
        return FakeResponse.Ok(new JsonObject { ["jobid"] = job.Id });
    }

    private JsonObject LogList(Dictionary<string, string> files) => new()
    {
        ["logs"] = new JsonArray([.. files.Select(f => new JsonObject
        {
            ["name"] = f.Key,
            ["size"] = System.Text.Encoding.UTF8.GetByteCount(f.Value),
            ["mtime"] = Time.GetUtcNow().ToUnixTimeMilliseconds(),
        })]),
    };

    private static FakeResponse LogFile(Dictionary<string, string> files, string name) =>
        files.TryGetValue(name, out var text)
            ? new FakeResponse(200, Text: text)
            : FakeResponse.Error(404, $"Log file {name} does not exist.");

    private static JsonObject TaskManager(FakeTaskManager t) => new()
    {
        ["id"] = t.Id,
        ["path"] = $"pekko.tcp://flink@{t.Id.Split(':')[0]}:6122/user/rpc/taskmanager_0",
        ["dataPort"] = 36635,
        ["jmxPort"] = -1,
        ["timeSinceLastHeartbeat"] = 1732440000000,
        ["slotsNumber"] = t.Slots,
        ["freeSlots"] = t.FreeSlots,
        ["blocked"] = false,
        ["hardware"] = new JsonObject { ["cpuCores"] = 4, ["physicalMemory"] = 8_000_000_000L, ["freeMemory"] = 500_000_000L, ["managedMemory"] = 400_000_000L },
    };

    private static long Duration(FakeFlinkJob j) => (j.EndTime > 0 ? j.EndTime : j.LastModification) - j.StartTime;

    private static JsonObject Tasks(FakeFlinkJob j)
    {
        var state = ExecutionState(j.State).ToLowerInvariant();
        var tasks = new JsonObject();
        foreach (var s in new[] { "created", "scheduled", "deploying", "running", "finished", "canceling", "canceled", "failed", "reconciling", "initializing" })
        {
            tasks[s] = s == state ? 2 : 0;
        }

        tasks["total"] = 2;
        return tasks;
    }

    private static string ExecutionState(FlinkJobState state) => state switch
    {
        FlinkJobState.Running => "RUNNING",
        FlinkJobState.Finished => "FINISHED",
        FlinkJobState.Canceled => "CANCELED",
        FlinkJobState.Cancelling => "CANCELING",
        FlinkJobState.Failed or FlinkJobState.Failing => "FAILED",
        FlinkJobState.Reconciling => "RECONCILING",
        FlinkJobState.Initializing => "INITIALIZING",
        _ => "CREATED",
    };

    private sealed class SavepointOperation(string jobId, string directory, bool endsJob, bool stop, int pollsInProgress)
    {
        public string JobId { get; } = jobId;

        public string Directory { get; } = directory;

        public bool EndsJob { get; } = endsJob;

        public bool Stop { get; } = stop;

        public int PollsLeft { get; set; } = pollsInProgress;

        public string? Location { get; set; }
    }
}
