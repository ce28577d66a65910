using Microsoft.Playwright;

namespace AllData.Tests.EndToEnd.Pages;

/// <summary>The SQL studio: job tree, editor tabs, toolbar and bottom panel.</summary>
public sealed class StudioPage(IPage page)
{
    public ILocator Tree => page.GetByTestId("job-tree");

    public ILocator Editor => page.Locator("[data-testid=studio-editor] .monaco-editor").First;

    /// <summary>Error squiggles in the editor (the grammar's and the engine's markers).</summary>
    public ILocator ErrorMarkers => page.Locator("[data-testid=studio-editor] .squiggly-error");

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
        var select = page.Locator(".mud-select").Filter(new() { Has = page.GetByTestId("studio-source") }).First;
        if ((await select.InnerTextAsync()).Contains(name, StringComparison.Ordinal))
        {
            return;
        }

        await page.GetByTestId("studio-source").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = name }).First.ClickAsync();
    }

    /// <summary>Replaces the editor's text (inserted as one edit: no auto-closing brackets).</summary>
    public async Task ReplaceTextAsync(string sql)
    {
        await Editor.Locator(".view-lines").ClickAsync(new() { Force = true });
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.InsertTextAsync(sql);
    }

    /// <summary>Types at the caret, key by key, as a user does.</summary>
    public Task TypeAsync(string text) => page.Keyboard.TypeAsync(text);

    /// <summary>Opens the completion list, waits for <paramref name="item"/> and accepts it.</summary>
    public async Task AcceptCompletionAsync(string item)
    {
        await page.Keyboard.PressAsync("Control+Space");
        var widget = page.Locator(".suggest-widget.visible");
        await widget.Locator(".monaco-list-row", new() { HasText = item }).First.WaitForAsync(new() { Timeout = 15_000 });
        await widget.Locator(".monaco-list-row", new() { HasText = item }).First.ClickAsync();
    }

    public Task RunAllAsync() => page.GetByTestId("studio-run-all").ClickAsync();
}
