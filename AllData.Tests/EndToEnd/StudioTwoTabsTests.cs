using AllData.Tests.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

/// <summary>One job open in two browser tabs works like two editors: nothing typed is lost, a run runs what its tab shows.</summary>
[Collection(AppCollection.Name)]
public sealed class StudioTwoTabsTests(AppFixture app)
{
    private async Task<(IPage First, IPage Second)> OpenTwiceAsync(string name)
    {
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        await page.GotoAsync("/studio");
        await new ShellPage(page).WaitInteractiveAsync();
        var studio = new StudioPage(page);
        var folder = "Tabs " + name[^6..];
        await studio.NewFolderAsync(folder);
        await studio.NewJobInFolderAsync(folder, name);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/studio/[0-9a-f-]{36}$"));
        var second = await page.Context.NewPageAsync();
        await second.GotoAsync(page.Url);
        await new ShellPage(second).WaitInteractiveAsync();
        await second.GetByTestId("studio-toolbar").WaitForAsync();
        await Expect(new StudioPage(second).Editor).ToBeVisibleAsync();
        return (page, second);
    }

    [Fact]
    public async Task Run_all_in_one_tab_after_the_other_saved_asks_and_keeps_the_typed_text()
    {
        var (first, second) = await OpenTwiceAsync("Two tabs " + Guid.NewGuid().ToString("N")[..6]);
        var one = new StudioPage(first);
        var two = new StudioPage(second);
        await two.ReplaceTextAsync("SELECT 2 AS from_second;");
        await second.GetByTestId("studio-save").ClickAsync();
        await Expect(second.GetByTestId("job-tabs")).Not.ToContainTextAsync("●");

        await first.BringToFrontAsync();
        await one.ReplaceTextAsync("SELECT 1 AS from_first;");
        await one.RunAllAsync();
        await Expect(first.GetByTestId("conflict-message")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(first, "studio-two-tabs-conflict");
        await first.GetByTestId("conflict-overwrite").ClickAsync();
        await Expect(first.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Expect(one.Editor).ToContainTextAsync("from_first");
        await Expect(one.Status).ToBeVisibleAsync(new() { Timeout = 15_000 });
        // The run ran the saved draft: the text of the first tab.
        await second.ReloadAsync();
        await Expect(two.Editor).ToContainTextAsync("from_first");
    }

    [Fact]
    public async Task Run_all_in_an_unchanged_tab_after_the_other_saved_does_not_run_text_it_does_not_show()
    {
        var (first, second) = await OpenTwiceAsync("Stale tab " + Guid.NewGuid().ToString("N")[..6]);
        var two = new StudioPage(second);
        await two.ReplaceTextAsync("SELECT 2 AS from_second;");
        await second.GetByTestId("studio-save").ClickAsync();
        await Expect(second.GetByTestId("job-tabs")).Not.ToContainTextAsync("●");

        await first.BringToFrontAsync();
        await new StudioPage(first).RunAllAsync();
        await Expect(first.GetByTestId("conflict-message")).ToBeVisibleAsync();
        await first.GetByTestId("conflict-reload").ClickAsync();
        await Expect(new StudioPage(first).Editor).ToContainTextAsync("from_second");
        await Expect(first.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
