using AllData.Tests.EndToEnd.Pages;
using AllData.Tests.Fixtures;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

[Collection(AppCollection.Name)]
public sealed class StudioFlowTests(AppFixture app)
{
    private static string CreateSalesDatabase()
    {
        var server = PostgresServer.Instance;
        var name = server.CreateDatabase("sales");
        using var conn = new NpgsqlConnection(server.ConnectionString(name));
        conn.Open();
        using var cmd = new NpgsqlCommand("""
            CREATE TABLE orders (id int PRIMARY KEY, customer text, amount numeric(10,2));
            INSERT INTO orders SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE 'customer ' || g END, g * 1.5 FROM generate_series(1, 40) g;
            """, conn);
        cmd.ExecuteNonQuery();
        return name;
    }

    private static async Task RegisterSourceAsync(IPage page, ShellPage shell, string database, string name)
    {
        await page.GotoAsync("/catalog/sources");
        await shell.WaitInteractiveAsync();
        await page.Locator("[data-testid=register-source]:not([disabled])").ClickAsync();
        await page.GetByTestId("source-name").FillAsync(name);
        await page.GetByTestId("source-host").FillAsync("127.0.0.1");
        await page.GetByTestId("source-port").FillAsync(PostgresServer.Instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("source-database").FillAsync(database);
        await page.GetByTestId("source-user").FillAsync(PostgresServer.SuperUser);
        await page.GetByTestId("source-password").FillAsync(PostgresServer.SuperPassword);
        await page.GetByTestId("save-source").ClickAsync();
        await Expect(page.GetByTestId("sources-grid")).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task Create_a_folder_and_a_job_fix_an_error_run_stop_publish_and_diff()
    {
        var database = CreateSalesDatabase();
        var sourceName = "Sales " + database[^6..];
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        var shell = new ShellPage(page);
        await RegisterSourceAsync(page, shell, database, sourceName);

        await page.GotoAsync("/studio");
        await shell.WaitInteractiveAsync();
        var studio = new StudioPage(page);
        var folder = "Reports " + database[^4..];
        await studio.NewFolderAsync(folder);
        await studio.NewJobInFolderAsync(folder, "Daily orders");
        await studio.ChooseSourceAsync(sourceName);
        await AppFixture.ScreenshotAsync(page, "studio-new-job");

        await studio.ReplaceTextAsync("SELECT count(*) FROM orders;\nSELEC id FROM orders;");
        await Expect(page.GetByTestId("job-tabs")).ToContainTextAsync("● Daily orders");
        await Expect(studio.ErrorMarkers.First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "studio-syntax-marker");
        await studio.RunAllAsync();
        await Expect(studio.Status).ToContainTextAsync("Failed", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("outcome-error")).ToContainTextAsync("Line 2, column 1");
        await AppFixture.ScreenshotAsync(page, "studio-error-marker");

        await studio.ReplaceTextAsync("SELECT count(*) FROM orders;\nSELECT id, customer, amount FROM ord");
        await studio.AcceptCompletionAsync("orders");
        await studio.TypeAsync(" ORDER BY id;");
        await Expect(studio.Editor).ToContainTextAsync("FROM orders ORDER BY id;");
        await studio.RunAllAsync();
        await Expect(studio.Status).ToContainTextAsync("Finished", new() { Timeout = 15_000 });
        await Expect(studio.ErrorMarkers).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("job-tabs")).Not.ToContainTextAsync("●");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Result 2" }).ClickAsync();
        await Expect(page.GetByTestId("result-grid").Last).ToContainTextAsync("customer 1");
        await Expect(page.Locator(".cell-null").First).ToHaveTextAsync("NULL");
        await AppFixture.ScreenshotAsync(page, "studio-results");

        await studio.ReplaceTextAsync("SELECT pg_sleep(30);");
        await studio.RunAllAsync();
        await Expect(studio.Status).ToContainTextAsync("Running", new() { Timeout = 15_000 });
        await page.GetByTestId("studio-stop").ClickAsync();
        await Expect(studio.Status).ToContainTextAsync("Canceled", new() { Timeout = 10_000 });
        await AppFixture.ScreenshotAsync(page, "studio-stopped");

        await studio.ReplaceTextAsync("SELECT id, customer FROM orders WHERE amount > 10;");
        await page.GetByTestId("studio-save").ClickAsync();
        await page.GetByTestId("studio-publish").ClickAsync();
        await page.GetByTestId("publish-comment").FillAsync("first version");
        await page.GetByTestId("publish-ok").ClickAsync();
        await Expect(page.GetByTestId("version-row")).ToContainTextAsync("first version");
        await studio.ReplaceTextAsync("SELECT id, customer FROM orders WHERE amount > 20 ORDER BY id;");
        await page.GetByTestId("version-diff").First.ClickAsync();
        await Expect(page.GetByTestId("sql-diff-editor")).ToContainTextAsync("amount > 20", new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "studio-versions-diff");
    }
}
