using System.Security.Claims;
using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Studio;
using AllData.Tests.EndToEnd.Pages;
using AllData.Tests.Fixtures;
using AllData.Web.Features.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd.Live;

[Collection(AppCollection.Name)]
public sealed class OperationsFlowTests(AppFixture app)
{
    private readonly LiveTestKit _kit = new(app);
    private readonly WarehouseWorld _world = new(app);

    private Task<(string UserName, string UserId, Guid WorkspaceId)> DemoOperatorAsync() => _world.UserAsync();

    private Task<IPage> SignInAsync(string userName, string path) => _world.SignInAsync(userName, path);

    private Task<(Guid JobId, string Name)> JobAsync(string userId, Guid workspaceId, string sql) => _world.JobAsync(userId, workspaceId, sql);

    [Fact]
    public async Task A_long_database_run_goes_from_running_to_finished_on_the_list_without_reload()
    {
        var (userName, userId, workspaceId) = await DemoOperatorAsync();
        var (jobId, jobName) = await JobAsync(userId, workspaceId, "select pg_sleep(2);");
        var page = await SignInAsync(userName, "/operations");
        await Expect(page.GetByTestId("runs-grid")).ToBeVisibleAsync();

        var started = await app.Services.GetRequiredService<RunOrchestrator>().StartAsync(new RunStart(workspaceId, userId, new StartRunRequest(jobId, RunTrigger.Manual)));
        Assert.Null(started.PreparationError);

        var row = page.Locator("tr", new PageLocatorOptions { HasText = jobName });
        await Expect(row.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Running");
        await AppFixture.ScreenshotAsync(page, "operations-running");
        await Expect(row.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Finished", new() { Timeout = 20_000 });
        await AppFixture.ScreenshotAsync(page, "operations-finished");
    }

    [Fact]
    public async Task The_log_tab_shows_lines_as_they_arrive()
    {
        var (userName, userId, workspaceId) = await DemoOperatorAsync();
        var run = await _kit.CreateRunAsync(workspaceId, userId);
        await _kit.MoveAsync(run.Id, (r, at) => r.MarkSubmitting(at));
        await _kit.MoveAsync(run.Id, (r, at) => r.MarkRunning(at));
        await _kit.Recorder.AppendLogAsync(workspaceId, run.Id, RunLogLevel.Info, "first line, before the page opened");

        var page = await SignInAsync(userName, $"/operations/runs/{run.Id}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Logs" }).ClickAsync();
        await Expect(page.GetByTestId("run-log")).ToContainTextAsync("first line, before the page opened");

        await _kit.Recorder.AppendLogAsync(workspaceId, run.Id, RunLogLevel.Warning, "second line, while watching");
        await Expect(page.GetByTestId("run-log")).ToContainTextAsync("second line, while watching");
        await _kit.MoveAsync(run.Id, (r, at) => r.MarkFinished(at, "done"));
        await Expect(page.GetByTestId("run-header").GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Finished");
        await AppFixture.ScreenshotAsync(page, "run-detail-logs");
    }

    private async Task<string> WallTokenAsync(Guid workspaceId, bool revoked = false)
    {
        var token = "wall-" + Guid.NewGuid().ToString("N");
        await using var db = app.Database.CreateContext(workspaceId);
        var entity = new WallToken(workspaceId, "Team room TV", WallTokenService.Hash(token), "test", DateTimeOffset.UtcNow);
        if (revoked)
        {
            entity.Revoke(DateTimeOffset.UtcNow);
        }

        db.Add(entity);
        await db.SaveChangesAsync();
        return token;
    }

    [Fact]
    public async Task A_wall_token_opens_the_wall_whose_counts_change_live()
    {
        var (workspaceId, _) = await _kit.WorkspaceWithMemberAsync();
        var token = await WallTokenAsync(workspaceId);
        var page = await app.NewPageAsync();
        await page.SetViewportSizeAsync(1920, 1080);
        var console = new List<string>();
        page.Console += (_, m) => console.Add(m.Type + ": " + m.Text);
        await page.GotoAsync($"/wall?token={token}");
        await Expect(page.GetByTestId("wall-running")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("wall-clusters")).ToHaveTextAsync("0 of 0");

        // The page is interactive once its circuit is up; only then can events reach it.
        await page.Locator("[data-testid=wall-title][data-live=true]").WaitForAsync();
        var run = await _kit.CreateRunAsync(workspaceId);
        await LiveTestKit.EventuallyAsync(() => true, "created");
        await _kit.MoveAsync(run.Id, (r, at) => r.MarkSubmitting(at));
        await _kit.MoveAsync(run.Id, (r, at) => r.MarkRunning(at));
        try
        {
            await Expect(page.GetByTestId("wall-running")).ToHaveTextAsync("1");
        }
        catch (PlaywrightException)
        {
            Assert.Fail(string.Join("\n", console));
        }

        await _kit.MoveAsync(run.Id, (r, at) => r.MarkFailed(at, "disk full"));
        await Expect(page.GetByTestId("wall-failed")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("wall-banner")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "wall");
    }

    [Fact]
    public async Task A_wall_token_opens_nothing_but_the_wall()
    {
        var (workspaceId, _) = await _kit.WorkspaceWithMemberAsync();
        var token = await WallTokenAsync(workspaceId);
        var page = await app.NewPageAsync();
        await page.GotoAsync($"/wall?token={token}");
        await Expect(page.GetByTestId("wall-tiles")).ToBeVisibleAsync();

        await page.GotoAsync($"/operations?token={token}");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
        var api = await page.APIRequest.GetAsync($"/api/v1/runs/{Guid.NewGuid()}/log?token={token}", new() { MaxRedirects = 0 });
        Assert.NotEqual(200, api.Status);
    }

    [Fact]
    public async Task A_revoked_wall_token_opens_nothing()
    {
        var (workspaceId, _) = await _kit.WorkspaceWithMemberAsync();
        var token = await WallTokenAsync(workspaceId, revoked: true);
        var page = await app.NewPageAsync();
        await page.GotoAsync($"/wall?token={token}");
        await Expect(page.GetByTestId("wall-revoked")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByTestId("wall-tiles").CountAsync());
    }
}
