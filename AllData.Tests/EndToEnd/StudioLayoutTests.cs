using AllData.Tests.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

/// <summary>The studio at 1440×900: names as written, long names cut without hiding the menu, results in view; and the not-found page.</summary>
[Collection(AppCollection.Name)]
public sealed class StudioLayoutTests(AppFixture app)
{
    [Fact]
    public async Task Long_job_name_keeps_its_menu_in_view_and_the_tab_title_keeps_its_case_and_results_start_above_the_fold()
    {
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        var shell = new ShellPage(page);
        await page.GotoAsync("/studio");
        await shell.WaitInteractiveAsync();
        var studio = new StudioPage(page);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var folder = "Layout " + suffix;
        var name = "Quarterly revenue by region and product line reconciliation " + suffix;
        await studio.NewFolderAsync(folder);
        await studio.NewJobInFolderAsync(folder, name);
        await page.Locator($"[data-testid=tree-item][data-name='{folder}']").ClickAsync();
        var item = page.Locator($"[data-testid=tree-item][data-name='{name}']");
        await item.WaitForAsync();

        var panel = await page.Locator(".mud-paper").Filter(new() { Has = page.GetByTestId("job-tree") }).First.BoundingBoxAsync();
        var menu = await item.GetByTestId("tree-item-menu").BoundingBoxAsync();
        Assert.NotNull(panel);
        Assert.NotNull(menu);
        Assert.True(menu.X + menu.Width <= panel.X + panel.Width, $"menu ends at {menu.X + menu.Width}, panel at {panel.X + panel.Width}");

        var tab = page.GetByTestId("job-tabs").Locator(".mud-tab").First;
        Assert.Equal("none", await tab.EvaluateAsync<string>("e => getComputedStyle(e).textTransform"));
        await Expect(tab).ToContainTextAsync("Quarterly revenue");

        await studio.ReplaceTextAsync("SELECT g AS id, 'row ' || g AS label FROM generate_series(1, 30) g;");
        await page.GetByTestId("studio-save").ClickAsync();
        await AppFixture.ScreenshotAsync(page, "studio-layout-long-name");
        var results = await page.GetByText("Run a statement to see its rows here.").BoundingBoxAsync();
        Assert.NotNull(results);
        Assert.True(results.Y < 900 - 120, $"the results panel starts at {results.Y}px: below the fold at 900px");
    }

    [Fact]
    public async Task Unknown_address_shows_the_apps_not_found_page_when_signed_in()
    {
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        await new ShellPage(page).WaitInteractiveAsync();
        var signedIn = await page.GotoAsync("/operations/nothing-here/at-all");
        Assert.Equal(404, signedIn!.Status);
        await Expect(page.GetByText("There is no page at this address.")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "not-found-signed-in");
    }
}
