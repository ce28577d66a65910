using AllData.Tests.EndToEnd.Pages;
using AllData.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

/// <summary>A MariaDB source in the browser: registered in the dialog, synced, previewed, its Flink CDC DDL, and a studio run on it.</summary>
[Collection(AppCollection.Name)]
public sealed class MySqlFlowTests(AppFixture app)
{
    private readonly WarehouseWorld _world = new(app);

    [Fact]
    public async Task Register_a_MariaDB_source_preview_a_table_copy_its_mysql_cdc_DDL_and_run_SQL_on_it()
    {
        var maria = MariaDbServer.Instance;
        var (database, user) = maria.CreateSource("e2e", MariaDbServer.DemoSchema);
        var (userName, _, _) = await _world.UserAsync("maria");
        var page = await _world.SignInAsync(userName, "/catalog/sources");
        var shell = new ShellPage(page);
        var sourceName = "shop-" + database[^6..];

        await page.Locator("[data-testid=register-source]:not([disabled])").ClickAsync();
        await page.GetByTestId("source-name").FillAsync(sourceName);
        await page.GetByTestId("source-kind").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "MySQL / MariaDB" }).ClickAsync();
        // Choosing the kind sets MySQL's default port; wait for it, or a fill racing it lands in a field about to change.
        await Expect(page.GetByTestId("source-port")).ToHaveValueAsync("3306");
        await page.GetByTestId("source-host").FillAsync("127.0.0.1");
        await page.GetByTestId("source-port").FillAsync(maria.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("source-port")).ToHaveValueAsync(maria.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("source-database").FillAsync(database);
        await page.GetByTestId("source-user").FillAsync(user);
        await page.GetByTestId("source-password").FillAsync("wrong-password");
        await page.GetByTestId("test-connection").ClickAsync();
        await Expect(page.GetByTestId("test-result")).ToContainTextAsync("Authentication failed", new() { Timeout = 15_000 });
        await page.GetByTestId("source-password").FillAsync(MariaDbServer.AdminPassword);
        await page.GetByTestId("test-connection").ClickAsync();
        await Expect(page.GetByTestId("test-result")).ToContainTextAsync("MariaDB", new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "mysql-source-dialog");
        await page.GetByTestId("save-source").ClickAsync();
        var grid = page.GetByTestId("sources-grid");
        await Expect(grid).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });
        await Expect(grid).ToContainTextAsync("MySQL / MariaDB");

        await page.GotoAsync("/catalog");
        await shell.WaitInteractiveAsync();
        await page.Locator("[data-testid=catalog-search]:not([disabled])").FillAsync("signed_up");
        var hit = page.GetByTestId("search-hit").First;
        await Expect(hit).ToContainTextAsync("signed_up", new() { Timeout = 15_000 });
        await hit.ClickAsync();
        await Expect(page.GetByTestId("table-title")).ToContainTextAsync("customers");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Preview" }).ClickAsync();
        var preview = page.GetByTestId("preview-grid");
        await Expect(preview).ToContainTextAsync("ann@example.com", new() { Timeout = 15_000 });
        await Expect(preview).ToContainTextAsync("0000-00-00 00:00:00"); // a zero date shown as stored, not refused
        await AppFixture.ScreenshotAsync(page, "mysql-table-preview");
        await page.GetByRole(AriaRole.Tab, new() { Name = "DDL" }).ClickAsync();
        await Expect(page.GetByTestId("ddl-mysql")).ToContainTextAsync("`customers`");
        await Expect(page.GetByTestId("ddl-flink-cdc")).ToContainTextAsync("'connector' = 'mysql-cdc'");
        await Expect(page.GetByTestId("ddl-flink-cdc")).ToContainTextAsync("'server-id'");
        await AppFixture.ScreenshotAsync(page, "mysql-table-ddl");

        await page.GotoAsync("/studio");
        await shell.WaitInteractiveAsync();
        var studio = new StudioPage(page);
        await page.Locator("[data-testid=tree-new-job]").ClickAsync();
        await page.GetByTestId("new-job-name").FillAsync("shop report");
        await page.GetByTestId("new-job-ok").ClickAsync();
        await page.GetByTestId("studio-toolbar").WaitForAsync();
        await studio.ChooseSourceAsync(sourceName);
        await studio.ReplaceTextAsync("# MySQL comments and backticks\nSELECT `name`, `order date` FROM customers JOIN orders o ON o.customer_id = customers.id ORDER BY o.id;");
        await studio.RunAllAsync();
        await Expect(studio.Status).ToContainTextAsync("Finished", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("result-grid").Last).ToContainTextAsync("Ann");
        await Expect(page.GetByTestId("result-grid").Last).ToContainTextAsync("2026-01-05");
        await Expect(page.GetByTestId("result-grid").Last).Not.ToContainTextAsync("00:00:00"); // a DATE has no time of day
        await AppFixture.ScreenshotAsync(page, "mysql-studio-run");
    }
}
