using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Tests.Fixtures;
using AllData.Tests.Infrastructure.Studio;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AllData.Tests.Infrastructure.Operations;

/// <summary>
/// Two app instances (two complete service compositions, each with its own orchestrator, instance id and ownership
/// loop) on one store and one data source: what one instance does to runs the other executes.
/// </summary>
public sealed class RunsAcrossInstancesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    // Short leases so that a lost instance is noticed within seconds.
    private static readonly Action<IServiceCollection> FastOwnership = s => s.Configure<RunOwnershipOptions>(o =>
    {
        o.Lease = TimeSpan.FromSeconds(2);
        o.Heartbeat = TimeSpan.FromMilliseconds(200);
        o.CancelPoll = TimeSpan.FromMilliseconds(100);
        o.RecoveryGrace = TimeSpan.FromSeconds(1);
    });

    private readonly StudioHost _a = new(fixture, FastOwnership);
    private readonly StudioHost _b = new(fixture, FastOwnership);
    private readonly List<RunOwnershipService> _started = [];
    private Guid _source;

    public async Task InitializeAsync()
    {
        var workspace = await _a.ActAsNewMemberAsync(WorkspaceRole.Developer);
        _b.ActAs(workspace, _a.UserId!);
        (_source, _) = await _a.RegisterSourceAsync();
        await StartOwnershipAsync(_a);
    }

    public async Task DisposeAsync()
    {
        foreach (var service in _started)
        {
            await service.StopAsync(CancellationToken.None);
        }

        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task An_instance_starting_leaves_a_sibling_long_run_running_and_it_finishes_there()
    {
        var job = await _a.CreateJobAsync("SELECT pg_sleep(4);\nSELECT 1;", _source);
        var runId = await StartOnAAsync(job);
        await WaitForStatusAsync(runId, RunStatus.Running, waitForStatement: false);

        await StartOwnershipAsync(_b);
        await _b.Services.GetRequiredService<RunOwnershipService>().RecoverLostRunsAsync(CancellationToken.None);

        Assert.Equal(RunStatus.Running, (await _a.WaitForFinalAsync(runId, TimeSpan.Zero)).Status);
        var run = await _a.WaitForFinalAsync(runId, TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.DoesNotContain(run.History, h => h.To is RunStatus.Failed or RunStatus.Unknown);
    }

    [Fact]
    public async Task Cancel_from_the_other_instance_stops_the_statement_within_two_seconds()
    {
        var job = await _a.CreateJobAsync("SELECT pg_sleep(60);", _source);
        var runId = await StartOnAAsync(job);
        await WaitForStatusAsync(runId, RunStatus.Running);

        await _b.With<RunCommands>(c => c.CancelAsync(runId));

        var run = await _a.WaitForFinalAsync(runId, TimeSpan.FromSeconds(2));
        Assert.Equal(RunStatus.Canceled, run.Status);
        Assert.Equal(0, await SleepingBackendsAsync());
    }

    [Fact]
    public async Task A_lost_instance_runs_are_failed_by_the_other_after_the_lease_and_never_before()
    {
        var job = await _a.CreateJobAsync("SELECT pg_sleep(60);", _source);
        var runId = await StartOnAAsync(job);
        await WaitForStatusAsync(runId, RunStatus.Running);
        var recovery = _b.Services.GetRequiredService<RunOwnershipService>();

        // While A's heartbeat renews the lease, B never takes the run away, however often it looks.
        for (var i = 0; i < 10; i++)
        {
            await recovery.RecoverLostRunsAsync(CancellationToken.None);
            await Task.Delay(300);
        }

        Assert.Equal(RunStatus.Running, (await _a.WaitForFinalAsync(runId, TimeSpan.Zero)).Status);

        // A dies: its heartbeat stops with nothing written (no shutdown path runs).
        await _started[0].StopAsync(CancellationToken.None);
        _started.RemoveAt(0);
        var leaseEnd = (await _a.WaitForFinalAsync(runId, TimeSpan.Zero)).LeaseExpiresAt!.Value;

        JobRun run;
        do
        {
            await recovery.RecoverLostRunsAsync(CancellationToken.None);
            run = await _a.WaitForFinalAsync(runId, TimeSpan.FromMilliseconds(200));
        }
        while (!run.IsFinal && DateTimeOffset.UtcNow - leaseEnd < TimeSpan.FromSeconds(20));

        // The "dead" process's statement is still on the server in this test: end it.
        await _a.Services.GetRequiredService<RunOrchestrator>().StopLocalAsync(runId, "test", CancellationToken.None);
        await _a.Services.GetRequiredService<RunOrchestrator>().WhenEndedAsync(runId);

        Assert.Equal((RunStatus.Failed, RunOwnershipService.LostReason), (run.Status, run.ErrorMessage));
        Assert.True(run.EndedAt >= leaseEnd, $"failed at {run.EndedAt:O}, before the lease ended at {leaseEnd:O}");
    }

    [Fact]
    public async Task A_run_is_executed_only_by_the_instance_that_started_it()
    {
        var job = await _a.CreateJobAsync("SELECT pg_sleep(1);", _source);
        var runId = await StartOnAAsync(job);
        await StartOwnershipAsync(_b);

        Assert.Contains(runId, _a.Services.GetRequiredService<RunOrchestrator>().LiveRunIds);
        Assert.DoesNotContain(runId, _b.Services.GetRequiredService<RunOrchestrator>().LiveRunIds);
        var run = await _a.WaitForFinalAsync(runId, TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Finished, run.Status);
        Assert.Single(await _a.LogAsync(runId), l => l.Text.Contains("statement(s) to run", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_viewer_is_refused_cancel_by_the_service_not_only_by_the_hidden_button()
    {
        var job = await _a.CreateJobAsync("SELECT pg_sleep(60);", _source);
        var runId = await StartOnAAsync(job);
        await WaitForStatusAsync(runId, RunStatus.Running);
        var (_, viewer) = await MemberSeed.CreateAsync(fixture, WorkspaceRole.Viewer, _a.WorkspaceId);
        _b.ActAs(_a.WorkspaceId, viewer);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _b.With<RunCommands>(c => c.CancelAsync(runId)));

        Assert.Equal(RunStatus.Running, (await _a.WaitForFinalAsync(runId, TimeSpan.FromMilliseconds(500))).Status);
        await _a.With<RunCommands>(c => c.CancelAsync(runId));
        Assert.Equal(RunStatus.Canceled, (await _a.WaitForFinalAsync(runId, TimeSpan.FromSeconds(5))).Status);
    }

    private async Task<Guid> StartOnAAsync(Guid job)
    {
        var started = await _a.With<RunCommands, RunStarted>(c => c.StartAsync(new StartRunRequest(job, RunTrigger.Manual)));
        Assert.Null(started.PreparationError);
        return started.RunId;
    }

    private async Task StartOwnershipAsync(StudioHost host)
    {
        var service = host.Services.GetRequiredService<RunOwnershipService>();
        await service.StartAsync(CancellationToken.None);
        _started.Add(service);
    }

    private async Task WaitForStatusAsync(Guid runId, RunStatus status, bool waitForStatement = true)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while ((await _a.WaitForFinalAsync(runId, TimeSpan.Zero)).Status != status)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"run {runId} never became {status}");
            await Task.Delay(50);
        }

        // The statement itself has reached the server.
        while (waitForStatement && await SleepingBackendsAsync() == 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    private async Task<long> SleepingBackendsAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
