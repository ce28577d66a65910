using AllData.Tests.EndToEnd.Pages;
using Microsoft.Playwright;

namespace AllData.Tests.EndToEnd;

/// <summary>Every page renders in Simplified Chinese without the English-only texts found before (MudBlazor's own, the job type chip).</summary>
[Collection(AppCollection.Name)]
public sealed class ChineseUiTests(AppFixture app)
{
    private static readonly string[] EnglishOnly =
        ["Rows per page", "Database SQL", "First page", "Next page", "Loading…", "Select all", "Not found"];

    private static readonly string[] Pages =
        ["/", "/studio", "/studio/variables", "/catalog", "/catalog/sources", "/operations", "/operations/wall-links", "/flink/clusters",
         "/flink/jars", "/schedules", "/workspace/members", "/admin/users", "/admin/workspaces", "/no-such-page"];

    [Fact]
    public async Task Each_page_in_chinese_has_no_known_english_only_text()
    {
        var page = await app.NewPageAsync("zh-CN");
        await page.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Language"] = "zh-CN" });
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        var shell = new ShellPage(page);
        await shell.WaitInteractiveAsync();

        // A job, so the studio shows its type chip.
        await page.GotoAsync("/studio");
        await shell.WaitInteractiveAsync();
        await page.Locator("[data-testid=tree-new-job]").ClickAsync();
        await page.GetByTestId("new-job-name").FillAsync("中文作业 " + Guid.NewGuid().ToString("N")[..4]);
        await page.GetByTestId("new-job-ok").ClickAsync();
        await page.GetByTestId("studio-toolbar").WaitForAsync();
        var found = new List<string>();
        found.AddRange(await EnglishOnAsync(page, page.Url));
        await AppFixture.ScreenshotAsync(page, "zh-studio");

        foreach (var path in Pages)
        {
            await page.GotoAsync(path);
            if (path != "/no-such-page")
            {
                await shell.WaitInteractiveAsync();
            }

            found.AddRange(await EnglishOnAsync(page, path));
        }

        await page.GotoAsync("/operations");
        await shell.WaitInteractiveAsync();
        await AppFixture.ScreenshotAsync(page, "zh-operations");
        Assert.Empty(found);
    }

    private static async Task<IEnumerable<string>> EnglishOnAsync(IPage page, string path)
    {
        // Let the interactive render settle: the page's main content is visible.
        await page.Locator(".page-body, .mud-container").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var text = await page.Locator("body").InnerTextAsync();
        return EnglishOnly.Where(e => text.Contains(e, StringComparison.Ordinal)).Select(e => $"{path}: \"{e}\"");
    }
}
