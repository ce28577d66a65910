using System.Net;
using System.Net.Http.Headers;
using AllData.Tests.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

/// <summary>Export and import in the studio's tree, and the API token page, in the browser.</summary>
[Collection(AppCollection.Name)]
public sealed class BundleFlowTests(AppFixture app)
{
    private readonly WarehouseWorld _world = new(app);

    [Fact]
    public async Task Export_the_jobs_then_import_a_changed_bundle_after_looking_at_the_plan_and_its_diff()
    {
        var (userName, userId, workspaceId) = await _world.UserAsync("bundle");
        var (_, jobName) = await _world.JobAsync(userId, workspaceId, "select 1 as one;", publish: true, prefix: "extract");
        var page = await _world.SignInAsync(userName, "/studio");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("tree-export").ClickAsync());
        var exported = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Equal("workspace.yaml", download.SuggestedFilename);
        Assert.Contains($"- path: {jobName}", exported, StringComparison.Ordinal);
        Assert.Contains("dataSource: warehouse", exported, StringComparison.Ordinal);

        var bundle = exported.Replace("sql: select 1 as one;", "sql: |-\n    select 2 as two;\n    select 3 as three;", StringComparison.Ordinal) + $"""
            - path: loads/nightly
              type: DatabaseSql
              dataSource: warehouse
              sql: select 4 as four;
              schedules:
              - name: {jobName} nightly
                cron: 0 0 2 * * ?
                timeZoneId: Europe/Berlin

            """;
        await page.GetByTestId("tree-import").ClickAsync();
        await page.GetByTestId("import-text").FillAsync(bundle);
        var summary = page.GetByTestId("import-summary");
        await Expect(summary).ToContainTextAsync("3 to create", new() { Timeout = 15_000 });
        await Expect(summary).ToContainTextAsync("1 to change");
        await page.Locator("[data-testid=import-change][data-change=Change]").ClickAsync();
        await Expect(page.Locator(".import-diff .add").Filter(new() { HasText = "select 3 as three;" })).ToBeVisibleAsync();
        await Expect(page.Locator(".import-diff .del").Filter(new() { HasText = "select 1 as one;" })).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "studio-import-plan");

        await page.GetByTestId("import-apply").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Imported: 3 created, 1 changed, 0 deleted.");
        await Expect(page.Locator("[data-testid=tree-item][data-name='loads']")).ToBeVisibleAsync();

        // The same bundle again is nothing to do; a typo is named at the text.
        await page.GetByTestId("tree-import").ClickAsync();
        await page.GetByTestId("import-text").FillAsync(bundle);
        await Expect(page.GetByTestId("import-nothing")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("import-apply")).ToBeDisabledAsync();
        await page.GetByTestId("import-text").FillAsync(bundle.Replace("rowCap:", "rowCapp:", StringComparison.Ordinal));
        await Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("rowCapp");
        await Expect(page.GetByTestId("import-apply")).ToBeDisabledAsync();
        await AppFixture.ScreenshotAsync(page, "studio-import-error");

        var zh = await app.NewPageAsync("zh-CN");
        await zh.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Language"] = "zh-CN" });
        await new LoginPage(zh).GotoAsync();
        await new LoginPage(zh).SubmitAsync(userName, WarehouseWorld.Password);
        await zh.WaitForURLAsync(u => !u.Contains("/account/login", StringComparison.Ordinal));
        await zh.GotoAsync("/studio");
        await new ShellPage(zh).WaitInteractiveAsync();
        await zh.GetByTestId("tree-import").ClickAsync();
        await zh.GetByTestId("import-text").FillAsync(bundle.Replace("select 4 as four;", "select 5 as five;", StringComparison.Ordinal));
        await Expect(zh.GetByTestId("import-summary")).ToContainTextAsync("变更 1 项", new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(zh, "studio-import-plan-zh");
    }

    [Fact]
    public async Task A_token_made_on_the_token_page_is_shown_once_works_and_stops_working_when_revoked()
    {
        var (userName, _, _) = await _world.UserAsync("tokens");
        var page = await _world.SignInAsync(userName, "/account/api-tokens");
        await AppFixture.ScreenshotAsync(page, "api-tokens-empty");

        await page.GetByTestId("api-token-name-input").FillAsync("ci deploy");
        await page.GetByTestId("api-token-name-input").PressAsync("Tab");
        await page.GetByTestId("api-token-create").ClickAsync();
        var value = (await page.GetByTestId("api-token-value").InnerTextAsync()).Trim();
        Assert.StartsWith("adt_", value, StringComparison.Ordinal);
        await Expect(page.GetByTestId("api-tokens")).ToContainTextAsync("ci deploy");
        await AppFixture.ScreenshotAsync(page, "api-tokens-created");

        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", value);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/jobs")).StatusCode);

        await page.ReloadAsync();
        await new ShellPage(page).WaitInteractiveAsync();
        await Expect(page.GetByTestId("api-token-value")).ToHaveCountAsync(0);
        await page.GetByTestId("api-token-revoke").ClickAsync();
        await page.Locator(".mud-message-box .mud-button-filled, .mud-dialog .mud-button").Filter(new() { HasText = "Revoke" }).Last.ClickAsync();
        await Expect(page.GetByTestId("api-token-state")).ToContainTextAsync("Revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/jobs")).StatusCode);
        await AppFixture.ScreenshotAsync(page, "api-tokens-revoked");
    }
}
