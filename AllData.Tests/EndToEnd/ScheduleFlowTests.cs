using AllData.Domain.Scheduling;
using AllData.Infrastructure.Scheduling;
using AllData.Tests.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

[Collection(AppCollection.Name)]
public sealed class ScheduleFlowTests(AppFixture app)
{
    private readonly WarehouseWorld _world = new(app);

    [Fact]
    public async Task Developer_creates_a_schedule_sees_its_next_fires_runs_it_now_and_finds_the_run_in_operations()
    {
        var (userName, userId, workspaceId) = await _world.UserAsync("sched");
        var (_, jobName) = await _world.JobAsync(userId, workspaceId, "select 42 as answer;", publish: true, prefix: "nightly");
        var page = await _world.SignInAsync(userName, "/schedules");
        await Expect(page.GetByTestId("schedules-empty")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "schedules-empty");

        await page.Locator("[data-testid=schedule-new]:not([disabled])").ClickAsync();
        var editor = page.GetByTestId("schedule-editor");
        await Expect(editor.GetByTestId("schedule-next-fires").Locator("li")).ToHaveCountAsync(10);

        // A bad cron is refused at its field, and the preview says nothing it cannot know.
        await editor.GetByTestId("schedule-cron").FillAsync("0 0 25 * * ?");
        await Expect(editor.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("Hour values must be between 0 and 23", new() { Timeout = 10_000 });
        await Expect(editor.GetByTestId("schedule-next-fires")).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "schedules-editor-bad-cron");

        await editor.GetByTestId("schedule-cron").FillAsync("0 30 2 ? * MON-FRI");
        await Expect(editor.GetByTestId("schedule-words")).ToHaveTextAsync("at 02:30:00, on MON-FRI");
        var fires = editor.GetByTestId("schedule-next-fires").Locator("li");
        await Expect(fires).ToHaveCountAsync(10);
        await Expect(fires.First).ToContainTextAsync("02:30:00 +00:00");
        await editor.GetByTestId("schedule-name").FillAsync(jobName + " weekdays");
        await AppFixture.ScreenshotAsync(page, "schedules-editor");
        await page.GetByTestId("schedule-save").ClickAsync();

        // Saving writes the schedule and its clustered trigger; on a loaded 2-core runner that took over 15 s once.
        await page.WaitForURLAsync(u => u.Contains("/schedules/", StringComparison.Ordinal), new() { Timeout = 45_000 });
        await Expect(page.GetByTestId("schedule-title")).ToHaveTextAsync(jobName + " weekdays");
        await Expect(page.GetByTestId("schedule-next-fires").Locator("li")).ToHaveCountAsync(10);
        await Expect(page.GetByTestId("ledger-empty")).ToBeVisibleAsync();

        await page.Locator("[data-testid=schedule-run-now]:not([disabled])").ClickAsync();
        await page.GetByTestId("run-now-confirm").ClickAsync();
        await Expect(page.GetByText("The run started.")).ToBeVisibleAsync();
        var slot = page.Locator(".ledger-row").First;
        await Expect(slot.GetByTestId("slot-state")).ToHaveAttributeAsync("data-state", "Started");
        await Expect(slot.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Finished", new() { Timeout = 20_000 });
        await AppFixture.ScreenshotAsync(page, "schedules-page");

        await page.GotoAsync("/operations");
        await new ShellPage(page).WaitInteractiveAsync();
        var row = page.Locator("tr", new PageLocatorOptions { HasText = jobName });
        await Expect(row.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Finished");

        await page.GotoAsync("/schedules");
        await new ShellPage(page).WaitInteractiveAsync();
        var listed = page.Locator(".schedule-row", new PageLocatorOptions { HasText = jobName });
        await Expect(listed.GetByTestId("schedule-row-words")).ToHaveTextAsync("at 02:30:00, on MON-FRI");
        await Expect(listed.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Finished");
        await AppFixture.ScreenshotAsync(page, "schedules-list");

        await page.GotoAsync("/wall");
        await Expect(page.GetByTestId("wall-next-scheduled")).ToContainTextAsync(jobName);
        await Expect(page.GetByTestId("wall-failed-scheduled")).Not.ToContainTextAsync(jobName);
        await page.GotoAsync("/schedules");
        await new ShellPage(page).WaitInteractiveAsync();

        // Pausing is one switch, and the page says it is paused.
        await listed.GetByTestId("schedule-enabled").ClickAsync();
        await Expect(page.GetByText("paused: nothing fires")).ToBeVisibleAsync();
        await listed.GetByTestId("schedule-link").ClickAsync();
        await Expect(page.GetByTestId("schedule-state")).ToHaveTextAsync("Paused");
    }

    [Fact]
    public async Task The_studio_schedule_tab_lists_the_jobs_schedules_and_the_list_reads_in_Chinese()
    {
        var (userName, userId, workspaceId) = await _world.UserAsync("schedzh");
        var (jobId, jobName) = await _world.JobAsync(userId, workspaceId, "select 1;", publish: true, prefix: "tab");
        var page = await _world.SignInAsync(userName, $"/studio/{jobId}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Schedules" }).ClickAsync();
        await Expect(page.GetByTestId("schedules-empty")).ToContainTextAsync("This job has no schedule.");
        await page.Locator("[data-testid=schedule-new]:not([disabled])").ClickAsync();
        var editor = page.GetByTestId("schedule-editor");
        await editor.GetByTestId("schedule-cron").FillAsync("0 */15 * * * ?");
        await Expect(editor.GetByTestId("schedule-words")).ToHaveTextAsync("every 15 minutes, every day");
        await page.GetByTestId("schedule-save").ClickAsync();
        await Expect(page.Locator(".schedule-row")).ToHaveCountAsync(1);
        await AppFixture.ScreenshotAsync(page, "studio-schedule-tab");

        var zh = await ChinesePageAsync(userName, "/schedules");
        await Expect(zh.Locator(".schedule-row", new PageLocatorOptions { HasText = jobName }).GetByTestId("schedule-row-words")).ToHaveTextAsync("每 15 分钟，每天");
        await Expect(zh.GetByText("下次触发")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(zh, "schedules-list-zh");
    }

    [Fact]
    public async Task A_failed_scheduled_run_shows_on_the_wall_with_its_job_and_the_next_fire_beside_it()
    {
        var (userName, userId, workspaceId) = await _world.UserAsync("schedwall");
        var (jobId, jobName) = await _world.JobAsync(userId, workspaceId, "select 1/0;", publish: true, prefix: "broken");
        var scheduleId = await _world.AsUserAsync<ScheduleService, Guid>(userId, s => s.CreateAsync(new ScheduleInput
        {
            Name = jobName + " hourly", JobId = jobId, Kind = ScheduleKind.Cron, Cron = "0 0 * * * ?", TimeZoneId = "UTC",
        }));
        var page = await _world.SignInAsync(userName, "/");
        await page.GotoAsync("/wall");
        await Expect(page.GetByTestId("wall-title")).ToHaveAttributeAsync("data-live", "true");
        await Expect(page.GetByTestId("wall-failed-scheduled")).ToContainTextAsync("None");
        var outcome = await _world.AsUserAsync<ScheduleService, FireOutcome>(userId, s => s.RunNowAsync(scheduleId, null));
        Assert.Equal(FireResult.Started, outcome.Result);

        var failed = page.GetByTestId("wall-failed-item");
        await Expect(failed).ToContainTextAsync(jobName, new() { Timeout = 20_000 });
        await Expect(failed).ToContainTextAsync("Failed");
        await Expect(page.GetByTestId("wall-next-item").First).ToContainTextAsync(jobName);
        await AppFixture.ScreenshotAsync(page, "wall-schedules");
    }

    [Fact]
    public async Task A_dependent_slot_waits_for_its_upstream_and_says_why()
    {
        var (userName, userId, workspaceId) = await _world.UserAsync("scheddep");
        var (_, upstreamName) = await _world.JobAsync(userId, workspaceId, "select 1;", publish: true, prefix: "load");
        var (jobId, jobName) = await _world.JobAsync(userId, workspaceId, "select 2;", publish: true, prefix: "report");
        var scheduleId = await _world.AsUserAsync<ScheduleService, Guid>(userId, s => s.CreateAsync(new ScheduleInput
        {
            Name = jobName + " nightly", JobId = jobId, Kind = ScheduleKind.Cron, Cron = "0 0 3 * * ?", TimeZoneId = "UTC",
        }));
        var page = await _world.SignInAsync(userName, $"/schedules/{scheduleId}");

        var panel = page.GetByTestId("dependencies-panel");
        await panel.GetByTestId("dependency-upstream").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = upstreamName }).ClickAsync();
        await panel.GetByTestId("dependency-add").ClickAsync();
        await Expect(panel.GetByTestId("dependency-row")).ToContainTextAsync(upstreamName);

        await page.Locator("[data-testid=schedule-run-now]:not([disabled])").ClickAsync();
        await page.GetByTestId("run-now-confirm").ClickAsync();
        await Expect(page.GetByText("The slot waits")).ToBeVisibleAsync();
        var slot = page.Locator(".ledger-row").First;
        await Expect(slot.GetByTestId("slot-state")).ToHaveAttributeAsync("data-state", "Queued");
        await slot.GetByTestId("why-button").ClickAsync();
        var why = page.GetByTestId("why-row");
        await Expect(why).ToContainTextAsync(upstreamName);
        await Expect(why).ToHaveAttributeAsync("data-state", "NoRun");
        await AppFixture.ScreenshotAsync(page, "schedules-dependency-waiting");

        // The graph: the upstream left, the waiting job right of it, for today's data date.
        await page.GotoAsync("/schedules");
        await new ShellPage(page).WaitInteractiveAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Dependencies" }).ClickAsync();
        await Expect(page.GetByTestId("graph-node")).ToHaveCountAsync(2);
        await Expect(page.Locator($"[data-testid=graph-node][data-job='{upstreamName}']")).ToHaveAttributeAsync("data-state", "NoRun");
        await Expect(page.Locator($"[data-testid=graph-node][data-job='{jobName}']")).ToHaveAttributeAsync("data-state", "Waiting");
        await Expect(page.GetByTestId("graph-edge")).ToHaveCountAsync(1);
        await AppFixture.ScreenshotAsync(page, "schedules-dependency-graph");
        var zh = await ChinesePageAsync(userName, "/schedules");
        await zh.GetByRole(AriaRole.Tab, new() { Name = "依赖关系" }).ClickAsync();
        await Expect(zh.Locator($"[data-testid=graph-node][data-job='{jobName}']")).ToContainTextAsync("等待中");
        await AppFixture.ScreenshotAsync(zh, "schedules-dependency-graph-zh");
        await zh.GotoAsync($"/schedules/{scheduleId}");
        await new ShellPage(zh).WaitInteractiveAsync();
        await Expect(zh.GetByTestId("job-tables-panel")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(zh, "schedules-page-zh");
    }

    [Fact]
    public async Task Operator_previews_a_five_day_backfill_starts_it_with_parallelism_two_and_watches_it_finish()
    {
        var (userName, userId, workspaceId) = await _world.UserAsync("schedbf");
        var (jobId, jobName) = await _world.JobAsync(userId, workspaceId, "select '${logical_date}'::date as day;", publish: true, prefix: "daily");
        var scheduleId = await _world.AsUserAsync<ScheduleService, Guid>(userId, s => s.CreateAsync(new ScheduleInput
        {
            Name = jobName + " daily", JobId = jobId, Kind = ScheduleKind.Cron, Cron = "0 0 2 * * ?", TimeZoneId = "UTC",
        }));
        // The 2nd already ran: a "missing only" backfill leaves it out.
        var done = await _world.AsUserAsync<ScheduleService, FireOutcome>(userId, s => s.RunNowAsync(scheduleId, new DateTimeOffset(2026, 11, 2, 2, 0, 0, TimeSpan.Zero)));
        Assert.Equal(FireResult.Started, done.Result);
        var page = await _world.SignInAsync(userName, $"/schedules/{scheduleId}");
        await Expect(page.GetByTestId("backfill-empty")).ToBeVisibleAsync();
        await Expect(page.Locator(".ledger-row").First.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Finished", new() { Timeout = 20_000 });

        await page.Locator("[data-testid=schedule-backfill]:not([disabled])").ClickAsync();
        var dialog = page.GetByTestId("backfill-dialog");
        await Expect(dialog.GetByTestId("backfill-slot")).ToHaveCountAsync(7);
        await dialog.GetByTestId("backfill-from").FillAsync("2026-11-01");
        await dialog.GetByTestId("backfill-from").PressAsync("Tab");
        await dialog.GetByTestId("backfill-to").FillAsync("2026-11-05");
        await dialog.GetByTestId("backfill-to").PressAsync("Tab");

        var slots = dialog.GetByTestId("backfill-slot");
        await Expect(slots).ToHaveCountAsync(5);
        await Expect(dialog.Locator("[data-testid=backfill-slot][data-runs=true]")).ToHaveCountAsync(4);
        await Expect(slots.Nth(1)).ToContainTextAsync("Already succeeded");
        await Expect(slots.Nth(1).GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Finished");
        await Expect(dialog.GetByTestId("backfill-to-run")).ToHaveTextAsync("4 slots will run");

        // A bad range is said at the field, and nothing can start.
        await dialog.GetByTestId("backfill-to").FillAsync("2026-10-01");
        await dialog.GetByTestId("backfill-to").PressAsync("Tab");
        await Expect(dialog.Locator(".mud-input-helper-text.mud-input-error", new() { HasText = "The last date must not be before the first." })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("backfill-start")).ToBeDisabledAsync();
        await dialog.GetByTestId("backfill-to").FillAsync("2026-11-05");
        await dialog.GetByTestId("backfill-to").PressAsync("Tab");
        await Expect(dialog.GetByTestId("backfill-to-run")).ToHaveTextAsync("4 slots will run");

        await dialog.GetByTestId("backfill-parallelism").FillAsync("2");
        await dialog.GetByTestId("backfill-parallelism").PressAsync("Tab");
        await AppFixture.ScreenshotAsync(page, "schedules-backfill-preview");
        await page.GetByTestId("backfill-start").ClickAsync();
        await Expect(page.GetByText("Backfill started.")).ToBeVisibleAsync();

        var row = page.Locator(".backfill-row").First;
        await Expect(row.GetByTestId("backfill-state")).ToHaveAttributeAsync("data-state", "Finished", new() { Timeout = 30_000 });
        await Expect(row.GetByTestId("backfill-progress")).ToContainTextAsync("4 of 4 done");
        await row.GetByTestId("backfill-items-toggle").ClickAsync();
        await Expect(page.GetByTestId("backfill-item")).ToHaveCountAsync(4);
        await Expect(page.Locator(".ledger-row")).ToHaveCountAsync(5);
        await AppFixture.ScreenshotAsync(page, "schedules-backfill-done");

        // The same page and dialog in Chinese.
        var zh = await ChinesePageAsync(userName, $"/schedules/{scheduleId}");
        await Expect(zh.Locator(".backfill-row").First.GetByTestId("backfill-state")).ToHaveTextAsync("已完成");
        await AppFixture.ScreenshotAsync(zh, "schedules-backfill-done-zh");
        await zh.Locator("[data-testid=schedule-backfill]:not([disabled])").ClickAsync();
        await Expect(zh.GetByTestId("backfill-dialog").GetByTestId("backfill-slot")).ToHaveCountAsync(7);
        await AppFixture.ScreenshotAsync(zh, "schedules-backfill-preview-zh");
    }

    /// <summary>A page of <paramref name="userName"/> signed in with Chinese as the browser's language, at <paramref name="path"/>.</summary>
    private async Task<IPage> ChinesePageAsync(string userName, string path)
    {
        var zh = await app.NewPageAsync("zh-CN");
        await zh.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Language"] = "zh-CN" });
        await new LoginPage(zh).GotoAsync();
        await new LoginPage(zh).SubmitAsync(userName, WarehouseWorld.Password);
        await zh.WaitForURLAsync(u => !u.Contains("/account/login", StringComparison.Ordinal));
        await zh.GotoAsync(path);
        await new ShellPage(zh).WaitInteractiveAsync();
        return zh;
    }
}
