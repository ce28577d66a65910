using Microsoft.Playwright;

namespace AllData.Tests.EndToEnd.Pages;

public sealed class LoginPage(IPage page)
{
    public async Task GotoAsync() => await page.GotoAsync("/account/login");

    public async Task SubmitAsync(string user, string password)
    {
        await page.GetByTestId("login-username").FillAsync(user);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
    }

    public ILocator Error => page.GetByTestId("login-error");

    public ILocator UserName => page.GetByTestId("login-username");
}

/// <summary>The app bar and navigation of every signed-in page.</summary>
public sealed class ShellPage(IPage page)
{
    /// <summary>Waits until the circuit is interactive: the switcher's button is enabled only then.</summary>
    public async Task WaitInteractiveAsync() =>
        await page.Locator("[data-testid=workspace-current]:not([disabled])").WaitForAsync();

    public ILocator CurrentWorkspace => page.GetByTestId("workspace-current");

    public async Task SwitchWorkspaceAsync(string name)
    {
        await WaitInteractiveAsync();
        await CurrentWorkspace.ClickAsync();
        await page.GetByTestId($"workspace-item-{name}").ClickAsync();
    }

    public async Task SwitchLanguageAsync(string culture)
    {
        await WaitInteractiveAsync();
        await page.GetByTestId("language-switcher").Locator("button").First.ClickAsync();
        await page.GetByTestId($"language-{culture}").ClickAsync();
    }

    public async Task SignOutAsync()
    {
        await WaitInteractiveAsync();
        await page.GetByTestId("user-menu-button").ClickAsync();
        await page.GetByTestId("sign-out").ClickAsync();
    }
}
