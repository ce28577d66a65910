using Microsoft.Playwright;

namespace AllData.Tests.EndToEnd.Pages;

/// <summary>The SQL studio: job tree, editor tabs, toolbar and bottom panel.</summary>
public sealed class StudioPage(IPage page)
{
    public ILocator Tree => page.GetByTestId("job-tree");

    public ILocator Editor => page.Locator("textarea[data-testid=studio-editor]").Last;

    public ILocator Status => page.GetByTestId("run-status");

    public async Task NewFolderAsync(string name)
    {
        await page.Locator("[data-testid=tree-new-folder]").ClickAsync();
        await page.GetByTestId("name-dialog-input").FillAsync(name);
        await page.GetByTestId("name-dialog-ok").ClickAsync();
        await page.Locator($"[data-testid=tree-item][data-name='{name}']").WaitForAsync();
    }

    public async Task NewJobInFolderAsync(string folder, string name)
    {
        await page.Locator($"[data-testid=tree-item][data-name='{folder}'] [data-testid=tree-item-menu] button").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "New job" }).ClickAsync();
        await page.GetByTestId("new-job-name").FillAsync(name);
        await page.GetByTestId("new-job-ok").ClickAsync();
        await page.GetByTestId("studio-toolbar").WaitForAsync();
    }

    public async Task ChooseSourceAsync(string name)
    {
        await page.GetByTestId("studio-source").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = name }).First.ClickAsync();
    }

    public async Task TypeAsync(string sql)
    {
        await Editor.FillAsync(sql);
    }

    public Task RunAllAsync() => page.GetByTestId("studio-run-all").ClickAsync();
}
