using System.Diagnostics;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.Infrastructure.Studio;

/// <summary>Studio runs through the orchestrator on real databases: history, log, results, cancel, timeout, variables.</summary>
public sealed class RunOrchestratorTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly StudioHost _host = new(fixture);
    private Guid _source;

    public async Task InitializeAsync()
    {
        await _host.ActAsNewMemberAsync();
        (_source, _) = await _host.RegisterSourceAsync("CREATE TABLE seed(id int); INSERT INTO seed VALUES (1), (2), (3);");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _host.Dispose();

    private Task<RunStarted> Start(Guid job, StatementRange? range = null) =>
        _host.With<RunService, RunStarted>(s => s.StartAsync(job, RunTrigger.Manual, null, range));

    [Fact]
    public async Task An_undefined_variable_fails_the_run_before_anything_executes_with_its_position()
    {
        var job = await _host.CreateJobAsync("CREATE TABLE never_made(id int);\nSELECT ${missing};", _source);

        var started = await Start(job);
        var run = await _host.WaitForFinalAsync(started.RunId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("missing", started.PreparationError?.VariableName);
        Assert.Equal(2, started.PreparationError?.Position?.Line);
        Assert.DoesNotContain(run.History, h => h.To == RunStatus.Running);
        var check = await _host.CreateJobAsync("SELECT count(*) FROM pg_tables WHERE tablename = 'never_made'", _source);
        var checkRun = await Start(check);
        await _host.WaitForFinalAsync(checkRun.RunId);
        var results = await _host.With<RunService, StudioRunResults?>(s => s.GetResultsAsync(checkRun.RunId));
        Assert.Equal(0L, results!.ResultSets.Single().Rows().Single()[0]);
    }

    [Fact]
    public async Task A_manual_run_resolves_logical_date_to_today()
    {
        var job = await _host.CreateJobAsync("SELECT '${logical_date}' AS d;", _source);

        var started = await Start(job);
        var run = await _host.WaitForFinalAsync(started.RunId);

        Assert.Equal(RunStatus.Finished, run.Status);
        var results = await _host.With<RunService, StudioRunResults?>(s => s.GetResultsAsync(run.Id));
        var today = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(today, results!.ResultSets.Single().Rows().Single()[0]);
    }

    [Fact]
    public async Task A_multi_statement_run_stores_its_history_log_and_results()
    {
        var job = await _host.CreateJobAsync(
            "CREATE TABLE t(id int, name text);\nINSERT INTO t VALUES (1, 'a'), (2, NULL);\nSELECT * FROM t ORDER BY id;", _source);

        var started = await Start(job);
        var run = await _host.WaitForFinalAsync(started.RunId);

        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Equal([RunStatus.Queued, RunStatus.Submitting, RunStatus.Running, RunStatus.Finished], run.History.OrderBy(h => h.At).Select(h => h.To));
        Assert.True((await _host.LogAsync(run.Id)).Count >= 3);
        var results = await _host.With<RunService, StudioRunResults?>(s => s.GetResultsAsync(run.Id));
        Assert.Equal(2, results!.ResultSets.Single().RowCount);
        Assert.Null(results.ResultSets.Single().Rows()[1][1]);
        Assert.Equal(2L, results.Outcomes[1].RowsAffected);
    }

    [Fact]
    public async Task Run_at_cursor_runs_only_that_statement()
    {
        const string sql = "SELECT 1 AS one;\nSELECT 2 AS two;";
        var job = await _host.CreateJobAsync(sql, _source);

        var started = await Start(job, new StatementRange(sql.IndexOf("two", StringComparison.Ordinal), sql.IndexOf("two", StringComparison.Ordinal)));
        await _host.WaitForFinalAsync(started.RunId);

        var results = await _host.With<RunService, StudioRunResults?>(s => s.GetResultsAsync(started.RunId));
        Assert.Equal("two", results!.ResultSets.Single().Columns.Single().Name);
    }

    [Fact]
    public async Task Stop_cancels_a_long_statement_within_seconds()
    {
        var job = await _host.CreateJobAsync("SELECT pg_sleep(30);", _source);
        var started = await Start(job);
        await WaitForStatusAsync(started.RunId, RunStatus.Running);
        var watch = Stopwatch.StartNew();

        await _host.With<RunService>(s => s.CancelAsync(started.RunId));
        var run = await _host.WaitForFinalAsync(started.RunId, TimeSpan.FromSeconds(10));

        Assert.Equal(RunStatus.Canceled, run.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_job_timeout_ends_a_runaway_statement_as_failed()
    {
        var job = await _host.CreateJobAsync("SELECT pg_sleep(30);", _source, timeoutSeconds: 1);

        var started = await Start(job);
        var run = await _host.WaitForFinalAsync(started.RunId, TimeSpan.FromSeconds(15));

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("Timed out", run.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_variable_values_are_masked_in_the_run_log()
    {
        await _host.With<VariableService>(s => s.SetAsync("pw", "hunter2-xyz", isSecret: true));
        var job = await _host.CreateJobAsync("DO $$ BEGIN RAISE NOTICE 'pw is %', '${pw}'; END $$;", _source);

        var run = await _host.WaitForFinalAsync((await Start(job)).RunId);

        Assert.Equal(RunStatus.Finished, run.Status);
        var log = string.Join('\n', (await _host.LogAsync(run.Id)).Select(l => l.Text));
        Assert.Contains("pw is ***", log, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-xyz", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_whose_instance_stopped_is_failed_once_its_lease_expired_and_a_held_one_is_not()
    {
        var job = await _host.CreateJobAsync("SELECT 1", _source);
        var recorder = _host.Services.GetRequiredService<RunRecorder>();
        async Task<Guid> RunHeldBy(string owner, TimeSpan leaseFromNow)
        {
            var run = new JobRun(_host.WorkspaceId, job, null, RunTrigger.Manual, "x", RunEngine.DatabaseSql, recorder.Now);
            run.Claim(owner, recorder.Now + leaseFromNow);
            await recorder.CreateAsync(run);
            await recorder.TransitionAsync(run.Id, (r, at) => r.MarkSubmitting(at));
            await recorder.TransitionAsync(run.Id, (r, at) => r.MarkRunning(at));
            return run.Id;
        }

        var lost = await RunHeldBy("instance-that-died", TimeSpan.FromMinutes(-5));
        var held = await RunHeldBy("instance-still-alive", TimeSpan.FromMinutes(5));

        await _host.Services.GetRequiredService<RunOwnershipService>().RecoverLostRunsAsync(CancellationToken.None);

        var failed = await _host.WaitForFinalAsync(lost, TimeSpan.FromSeconds(1));
        Assert.Equal((RunStatus.Failed, RunOwnershipService.LostReason), (failed.Status, failed.ErrorMessage));
        var running = await _host.WaitForFinalAsync(held, TimeSpan.FromMilliseconds(100));
        Assert.Equal(RunStatus.Running, running.Status);
    }

    [Fact]
    public async Task Csv_export_reruns_the_statement_for_the_full_result()
    {
        var job = await _host.CreateJobAsync("SELECT g FROM generate_series(1, 250) g;", _source);
        var run = await _host.WaitForFinalAsync((await Start(job)).RunId);
        using var output = new MemoryStream();

        var rows = await _host.With<RunService, long>(s => s.ExportCsvAsync(run.Id, 0, output));

        Assert.Equal(250, rows);
        Assert.True((await _host.With<RunService, StudioRunResults?>(s => s.GetResultsAsync(run.Id)))!.ResultSets.Single().Truncated);
    }

    private async Task WaitForStatusAsync(Guid runId, RunStatus status)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            var run = await _host.With<RunService, RunSummary>(s => s.GetAsync(runId));
            if (run.Status == status)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The run never reached {status}.");
    }
}
