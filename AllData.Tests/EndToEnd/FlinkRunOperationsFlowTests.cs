using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Tests.EndToEnd.Pages;
using AllData.Tests.Fakes.Flink;
using AllData.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

/// <summary>An operator works a Flink run from its page against the fake Flink: savepoint, stop, restart, restore, bulk savepoints.</summary>
[Collection(AppCollection.Name)]
public sealed class FlinkRunOperationsFlowTests(AppFixture app)
{
    private const string Password = "Operator-Passw0rd!";

    [Fact]
    public async Task Operator_takes_a_savepoint_and_sees_its_progress_then_its_location()
    {
        await using var flink = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0);
        flink.JobManager.SavepointPollsInProgress = 4;
        var world = await WorldAsync(flink);
        var runId = await TrackedRunAsync(world, flink.JobManager.AddJob(world.JobName));
        var page = await SignInAsync(world.UserName, $"/operations/runs/{runId}", width: 1400);
        await Expect(page.GetByTestId("run-header").GetByTestId("run-status")).ToHaveTextAsync("Running");
        await AssertFlinkJobIdDoesNotOverlapStartedAsync(page);
        await AppFixture.ScreenshotAsync(page, "run-flink-actions-1400");

        await page.Locator("[data-testid=run-savepoint]:not([disabled])").ClickAsync();

        await Expect(page.GetByTestId("savepoint-progress")).ToContainTextAsync("times out after");
        await AppFixture.ScreenshotAsync(page, "run-savepoint-progress");
        var outcome = page.GetByTestId("savepoint-outcome");
        await Expect(outcome).ToHaveAttributeAsync("data-status", "Completed");
        await Expect(page.GetByTestId("savepoint-location")).ToContainTextAsync("file:/savepoints/savepoint-");
        await AppFixture.ScreenshotAsync(page, "run-savepoint-completed");
        Assert.Empty(flink.Violations);
    }

    [Fact]
    public async Task A_savepoint_that_never_completes_shows_its_timeout()
    {
        await using var flink = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0);
        flink.JobManager.SavepointOutcome = FakeSavepointOutcome.NeverComplete;
        var world = await WorldAsync(flink);
        var runId = await TrackedRunAsync(world, flink.JobManager.AddJob(world.JobName));
        var page = await SignInAsync(world.UserName, $"/operations/runs/{runId}");
        await Expect(page.GetByTestId("run-header").GetByTestId("run-status")).ToHaveTextAsync("Running");

        await page.Locator("[data-testid=run-savepoint]:not([disabled])").ClickAsync();

        await Expect(page.GetByTestId("savepoint-progress")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("savepoint-outcome")).ToHaveAttributeAsync("data-status", "TimedOut", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("savepoint-outcome")).ToContainTextAsync("did not complete within 8 s");
        await AppFixture.ScreenshotAsync(page, "run-savepoint-timed-out");
    }

    [Fact]
    public async Task Operator_stops_with_a_drained_savepoint_and_the_run_finishes()
    {
        await using var flink = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0);
        var world = await WorldAsync(flink);
        var job = flink.JobManager.AddJob(world.JobName);
        var runId = await TrackedRunAsync(world, job);
        var page = await SignInAsync(world.UserName, $"/operations/runs/{runId}");
        await Expect(page.GetByTestId("run-header").GetByTestId("run-status")).ToHaveTextAsync("Running");

        await page.Locator("[data-testid=run-stop-savepoint]:not([disabled])").ClickAsync();
        await page.GetByTestId("stop-savepoint-drain").ClickAsync();
        await AppFixture.ScreenshotAsync(page, "run-stop-savepoint-dialog");
        await page.GetByTestId("stop-savepoint-confirm").ClickAsync();

        await Expect(page.GetByTestId("savepoint-outcome")).ToContainTextAsync("Stop with savepoint (drained) completed");
        await Expect(page.GetByTestId("run-header").GetByTestId("run-status")).ToHaveTextAsync("Finished");
        Assert.Equal(FlinkJobState.Finished, job.State);
        await AppFixture.ScreenshotAsync(page, "run-stopped-with-savepoint");
    }

    [Fact]
    public async Task Operator_restarts_from_a_savepoint_and_lands_on_the_new_run_restored_from_it()
    {
        await using var flink = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0);
        var world = await WorldAsync(flink);
        var oldJob = flink.JobManager.AddJob(world.JobName);
        var runId = await TrackedRunAsync(world, oldJob);
        var page = await SignInAsync(world.UserName, $"/operations/runs/{runId}");
        await Expect(page.GetByTestId("run-header").GetByTestId("run-status")).ToHaveTextAsync("Running");

        await page.Locator("[data-testid=run-restart-savepoint]:not([disabled])").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Restart", Exact = true }).ClickAsync();

        await page.WaitForURLAsync(u => u.Contains("/operations/runs/", StringComparison.Ordinal) && !u.Contains(runId.ToString(), StringComparison.Ordinal));
        await ExpectNewFlinkJobRunningAsync(page, oldJob.Id);
        var restored = flink.SqlGateway.OpenedSessions.Last();
        Assert.Contains(restored, p => p.Value.StartsWith("file:/savepoints/savepoint-", StringComparison.Ordinal));
        await AppFixture.ScreenshotAsync(page, "run-restarted-from-savepoint");
    }

    [Fact]
    public async Task Operator_restores_an_ended_run_from_a_kept_checkpoint_they_pick()
    {
        await using var flink = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0);
        var world = await WorldAsync(flink);
        var job = flink.JobManager.AddJob(world.JobName);
        var runId = await TrackedRunAsync(world, job);
        const string picked = "file:/checkpoints/kept/chk-7";
        await using (var db = app.Database.CreateContext(world.WorkspaceId))
        {
            var at = DateTimeOffset.UtcNow;
            db.Add(new FlinkSnapshot(world.WorkspaceId, world.JobId, runId, job.Id, FlinkSnapshotKind.Checkpoint, 7, picked, 8 << 20, at.AddMinutes(-5)));
            db.Add(new FlinkSnapshot(world.WorkspaceId, world.JobId, runId, job.Id, FlinkSnapshotKind.Savepoint, null, "file:/savepoints/newer", 4 << 20, at.AddMinutes(-1)));
            await db.SaveChangesAsync();
        }

        job.MoveTo(FlinkJobState.Canceled);
        var page = await SignInAsync(world.UserName, $"/operations/runs/{runId}");
        await Expect(page.GetByTestId("run-header").GetByTestId("run-status")).ToHaveTextAsync("Canceled");

        await page.Locator("[data-testid=run-restore]:not([disabled])").ClickAsync();
        await page.GetByTestId("restore-snapshots").Locator("tr", new() { HasText = picked }).ClickAsync();
        await AppFixture.ScreenshotAsync(page, "run-restore-dialog");
        await page.GetByTestId("restore-confirm").ClickAsync();

        await page.WaitForURLAsync(u => !u.Contains(runId.ToString(), StringComparison.Ordinal));
        await ExpectNewFlinkJobRunningAsync(page, job.Id);
        Assert.Contains(flink.SqlGateway.OpenedSessions.Last(), p => p.Value == picked);
    }

    [Fact]
    public async Task Operator_takes_savepoints_of_the_selected_runs_from_the_operations_list()
    {
        await using var flink = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0);
        var world = await WorldAsync(flink);
        var first = flink.JobManager.AddJob(world.JobName);
        var second = flink.JobManager.AddJob(world.JobName);
        await TrackedRunAsync(world, first);
        await TrackedRunAsync(world, second);
        var page = await SignInAsync(world.UserName, "/operations");
        await Expect(page.Locator("[data-testid=runs-grid] tbody tr", new() { HasText = "Running" })).ToHaveCountAsync(2, new() { Timeout = 20_000 });

        foreach (var row in await page.Locator("[data-testid=runs-grid] tbody tr").AllAsync())
        {
            await row.Locator("input[type=checkbox]").CheckAsync();
        }

        await page.Locator("[data-testid=savepoint-selected]:not([disabled])").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Take savepoints" }).ClickAsync();

        await Expect(page.Locator(".mud-snackbar", new() { HasText = "Savepoints: 2 completed, 0 failed or timed out." })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await AppFixture.ScreenshotAsync(page, "operations-savepoint-selected");
        Assert.All([first, second], j => Assert.Contains(j.Checkpoints, c => c.IsSavepoint));
    }

    /// <summary>The page shows the new run: its own Flink job (not <paramref name="oldJobId"/>), Running.</summary>
    private static async Task ExpectNewFlinkJobRunningAsync(IPage page, string oldJobId)
    {
        await Expect(page.GetByTestId("fact-flink-job")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^(?!{oldJobId})[0-9a-f]{{32}}$"), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("run-header").GetByTestId("run-status")).ToHaveTextAsync("Running", new() { Timeout = 30_000 });
    }

    /// <summary>The Flink job id and the Started value sit side by side in the header: their boxes must not overlap.</summary>
    private static async Task AssertFlinkJobIdDoesNotOverlapStartedAsync(IPage page)
    {
        var id = (await page.GetByTestId("fact-flink-job").BoundingBoxAsync())!;
        var started = (await page.GetByTestId("fact-started").BoundingBoxAsync())!;
        var overlaps = id.X < started.X + started.Width && started.X < id.X + id.Width && id.Y < started.Y + started.Height && started.Y < id.Y + id.Height;
        Assert.False(overlaps, $"job id {id.X},{id.Y} {id.Width}x{id.Height} overlaps started {started.X},{started.Y} {started.Width}x{started.Height}");
    }

    private sealed record World(Guid WorkspaceId, string UserName, Guid JobId, Guid VersionId, string JobName, Guid ClusterId);

    /// <summary>A new workspace with a Developer (Operator and more), a cluster on the fake Flink and a published Flink SQL job on it.</summary>
    private async Task<World> WorldAsync(FakeFlinkCluster flink)
    {
        var name = "fop-" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = name, DisplayName = "Operator " + name };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        await using var db = app.Database.CreateContext();
        var at = DateTimeOffset.UtcNow;
        var workspace = new Workspace(name, at);
        db.Add(workspace);
        db.Add(new WorkspaceMember(workspace.Id, user.Id, WorkspaceRole.Developer, at));
        await db.SaveChangesAsync();
        db.WorkspaceId = workspace.Id;
        var cluster = new FlinkCluster(workspace.Id, "fake", flink.JobManager.BaseUrl.ToString(), flink.SqlGateway.BaseUrl.ToString(), null, at);
        db.Add(cluster);
        var jobName = "orders_" + Guid.NewGuid().ToString("N")[..6];
        var job = new Job(workspace.Id, jobName, null, JobType.FlinkSql, name, at);
        job.SaveDraft("CREATE TABLE s (id INT) WITH ('connector' = 'blackhole');\nINSERT INTO s SELECT 1;", job.Version, name, at);
        job.ChangeFlinkSettings(new FlinkJobSettings { ClusterId = cluster.Id, Parallelism = 2, CheckpointIntervalSeconds = 30 }, job.Version, name, at);
        var version = job.Publish(null, name, at);
        db.AddRange(job, version);
        await db.SaveChangesAsync();
        return new World(workspace.Id, name, job.Id, version.Id, jobName, cluster.Id);
    }

    /// <summary>A run of the world's job tracking <paramref name="flinkJob"/>, as the engine leaves it after submitting.</summary>
    private async Task<Guid> TrackedRunAsync(World world, FakeFlinkJob flinkJob)
    {
        var recorder = app.Services.GetRequiredService<RunRecorder>();
        var run = await recorder.CreateAsync(new JobRun(world.WorkspaceId, world.JobId, world.VersionId, RunTrigger.Manual, world.UserName, RunEngine.FlinkSql,
            recorder.Now));
        await recorder.TransitionAsync(run.Id, (r, at) =>
        {
            r.BeginFlinkSubmission(world.ClusterId, at);
            r.MarkSubmitting(at);
            r.AttachFlinkJob(flinkJob.Id);
        });
        return run.Id;
    }

    private async Task<IPage> SignInAsync(string userName, string path, int width = 1440)
    {
        var page = await app.NewPageAsync();
        await page.SetViewportSizeAsync(width, 900);
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync(userName, Password);
        await page.WaitForURLAsync(u => !u.Contains("/account/login", StringComparison.Ordinal));
        await page.GotoAsync(path);
        await new ShellPage(page).WaitInteractiveAsync();
        return page;
    }
}
