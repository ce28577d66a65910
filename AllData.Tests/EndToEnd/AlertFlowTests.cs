using Microsoft.Extensions.DependencyInjection;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Tests.EndToEnd.Pages;
using AllData.Tests.Infrastructure.Alerts;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

[Collection(AppCollection.Name)]
public sealed class AlertFlowTests(AppFixture app)
{
    [Fact]
    public async Task Developer_creates_a_channel_and_a_rule_a_run_fails_and_the_alert_shows_in_history_and_the_bell()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        var shell = new ShellPage(page);
        await page.GotoAsync("/alerts");
        await shell.WaitInteractiveAsync();

        await page.GetByRole(Microsoft.Playwright.AriaRole.Tab, new() { Name = "Channels" }).ClickAsync();
        await page.Locator("[data-testid=channel-add]:not([disabled])").ClickAsync();
        var channel = "hook-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("channel-name").FillAsync(channel);
        await page.GetByTestId("channel-url").FillAsync(receiver.Url + "/hook");
        await page.GetByTestId("channel-secret").FillAsync("e2e-secret");
        await AppFixture.ScreenshotAsync(page, "alerts-channel-dialog");
        await page.GetByTestId("channel-save").ClickAsync();
        var row = page.Locator("tr", new() { Has = page.GetByText(channel) });
        await row.GetByTestId("channel-test").ClickAsync();
        await Expect(page.GetByText("Test message sent")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "alerts-channels");

        await page.GetByRole(Microsoft.Playwright.AriaRole.Tab, new() { Name = "Rules" }).ClickAsync();
        await page.Locator("[data-testid=rule-add]:not([disabled])").ClickAsync();
        var rule = "failures-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("rule-name").FillAsync(rule);
        await AppFixture.ScreenshotAsync(page, "alerts-rule-dialog");
        await page.GetByTestId("rule-save").ClickAsync();
        await Expect(page.GetByTestId("rules-table")).ToContainTextAsync(rule, new() { Timeout = 15_000 });

        var jobName = "e2e-" + Guid.NewGuid().ToString("N")[..6];
        await FailARunAsync(jobName);

        await Expect(page.GetByTestId("alert-bell-badge").Locator(".mud-badge")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.GotoAsync("/alerts");
        await shell.WaitInteractiveAsync();
        await Expect(page.GetByTestId("alerts-table")).ToContainTextAsync(jobName, new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "alerts-firing");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Tab, new() { Name = "History" }).ClickAsync();
        var history = page.Locator("tr", new() { Has = page.GetByText(jobName) });
        await Expect(history.GetByTestId("history-deliveries")).ToContainTextAsync("1 delivered", new() { Timeout = 20_000 });
        await history.ClickAsync();
        await Expect(page.GetByTestId("delivery-log")).ToContainTextAsync("200");
        await AppFixture.ScreenshotAsync(page, "alerts-history");

        // The wall shows what is firing.
        await page.GotoAsync("/wall");
        await Expect(page.GetByTestId("wall-alerts").GetByTestId("wall-alert-item").Filter(new() { HasText = jobName })).ToContainTextAsync(rule);
        await AppFixture.ScreenshotAsync(page, "wall-alerts");

        // The message's signed link: opening it acknowledges nothing; the button does, without signing in.
        Guid alertId;
        await using (var db = app.Database.CreateContext())
        {
            alertId = await db.Set<AllData.Domain.Alerts.AlertInstance>().IgnoreQueryFilters().Where(i => i.SubjectName == jobName).Select(i => i.Id).SingleAsync();
        }

        var token = app.Services.GetRequiredService<AllData.Infrastructure.Alerts.AlertAckLinks>().TokenFor(alertId);
        var outsider = await app.NewPageAsync();
        await outsider.GotoAsync("/alerts/ack?token=" + Uri.EscapeDataString(token[..^2] + "xx"));
        await Expect(outsider.GetByTestId("ack-invalid")).ToBeVisibleAsync();
        await outsider.GotoAsync("/alerts/ack?token=" + Uri.EscapeDataString(token));
        await Expect(outsider.GetByTestId("ack-alert")).ToContainTextAsync(jobName);
        await outsider.GetByTestId("ack-by").FillAsync("Dana on call");
        await AppFixture.ScreenshotAsync(outsider, "alerts-ack-link");
        await outsider.GetByTestId("ack-submit").ClickAsync();
        await Expect(outsider.GetByTestId("ack-done")).ToContainTextAsync("Dana on call (link)");
    }

    private async Task FailARunAsync(string jobName)
    {
        await using var unbound = app.Database.CreateContext();
        var admin = await unbound.Users.AsNoTracking().SingleAsync(u => u.UserName == "admin");
        var workspace = admin.CurrentWorkspaceId
            ?? await unbound.WorkspaceMembers.AsNoTracking().Where(m => m.UserId == admin.Id).Select(m => m.WorkspaceId).FirstAsync();
        await using var db = app.Database.CreateContext(workspace);
        var at = TimeProvider.System.GetUtcNow();
        var job = new Job(workspace, jobName, null, JobType.DatabaseSql, "admin", at);
        db.Add(job);
        var run = new JobRun(workspace, job.Id, null, RunTrigger.Manual, "admin", RunEngine.DatabaseSql, at);
        run.MarkSubmitting(at);
        run.MarkRunning(at);
        run.MarkFailed(at, "relation \"missing\" does not exist");
        db.Add(run);
        await db.SaveChangesAsync();
    }
}
