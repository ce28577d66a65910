using AllData.Tests.EndToEnd.Pages;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

/// <summary>A job opened by its address (refresh, bookmark, a second tab) always opens.</summary>
[Collection(AppCollection.Name)]
public sealed class StudioUrlTests(AppFixture app)
{
    [Fact]
    public async Task Job_url_opens_the_job_on_every_load()
    {
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        var shell = new ShellPage(page);
        await page.GotoAsync("/studio");
        await shell.WaitInteractiveAsync();
        var studio = new StudioPage(page);
        var name = "Url job " + Guid.NewGuid().ToString("N")[..6];
        await studio.NewFolderAsync("Url " + name[^6..]);
        await studio.NewJobInFolderAsync("Url " + name[^6..], name);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/studio/[0-9a-f-]{36}$"));
        var url = page.Url;

        for (var i = 0; i < 6; i++)
        {
            var response = await page.GotoAsync(url);
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);
            await shell.WaitInteractiveAsync();
            await Expect(page.GetByTestId("studio-toolbar")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("job-tabs")).ToContainTextAsync(name);
        }

        var second = await page.Context.NewPageAsync();
        var again = await second.GotoAsync(url);
        Assert.Equal(200, again!.Status);
        await Expect(second.GetByTestId("studio-toolbar")).ToBeVisibleAsync();
    }
}
