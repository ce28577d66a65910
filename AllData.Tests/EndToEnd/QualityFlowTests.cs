using AllData.Domain.Catalog;
using AllData.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using AllData.Tests.EndToEnd.Pages;
using AllData.Tests.Fixtures;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

[Collection(AppCollection.Name)]
public sealed class QualityFlowTests(AppFixture app)
{
    [Fact]
    public async Task Add_two_rules_to_a_demo_table_scan_see_one_fail_with_samples_and_the_score_drop()
    {
        var server = PostgresServer.Instance;
        var database = server.CreateDatabase("qflow");
        await using (var conn = new NpgsqlConnection(server.ConnectionString(database)))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(DemoWarehouseSetup.DemoData, conn) { CommandTimeout = 300 };
            await cmd.ExecuteNonQueryAsync();
        }

        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        var shell = new ShellPage(page);
        await page.GotoAsync("/catalog/sources");
        await shell.WaitInteractiveAsync();
        await page.Locator("[data-testid=register-source]:not([disabled])").ClickAsync();
        var name = "Quality " + database[^6..];
        await page.GetByTestId("source-name").FillAsync(name);
        await page.GetByTestId("source-host").FillAsync("127.0.0.1");
        await page.GetByTestId("source-port").FillAsync(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("source-database").FillAsync(database);
        await page.GetByTestId("source-user").FillAsync(PostgresServer.SuperUser);
        await page.GetByTestId("source-password").FillAsync(PostgresServer.SuperPassword);
        await page.GetByTestId("save-source").ClickAsync();
        await Expect(page.GetByTestId("sources-grid")).ToContainTextAsync(name, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("sources-grid")).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });

        await using (var db = app.Database.CreateContext())
        {
            var tableId = await (from t in db.Set<CatalogTable>().IgnoreQueryFilters()
                                 join d in db.Set<DataSource>().IgnoreQueryFilters() on t.DataSourceId equals d.Id
                                 where d.Name == name && t.SchemaName == "shop" && t.Name == "customers"
                                 select t.Id).SingleAsync();
            await page.GotoAsync($"/catalog/tables/{tableId}");
        }

        await shell.WaitInteractiveAsync();
        await Expect(page.GetByTestId("table-title")).ToContainTextAsync("customers");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Quality" }).ClickAsync();
        await Expect(page.GetByTestId("no-rules")).ToBeVisibleAsync();

        await AddNotNullRuleAsync(page, "Name present", "full_name");
        await page.Locator("[data-testid=scan-table]:not([disabled])").ClickAsync();
        await Expect(page.GetByTestId("table-score")).ToContainTextAsync("100", new() { Timeout = 30_000 });

        await AddNotNullRuleAsync(page, "E-mail present", "email");
        await page.Locator("[data-testid=scan-table]:not([disabled])").ClickAsync();
        await Expect(page.GetByTestId("table-score")).ToContainTextAsync("50", new() { Timeout = 30_000 });
        var failing = page.GetByTestId("rules-grid").Locator("tr", new() { HasText = "E-mail present" });
        await Expect(failing).ToContainTextAsync("Failed");
        await Expect(failing.GetByTestId("rule-metric")).ToContainTextAsync("206");
        await Expect(page.GetByTestId("costs")).ToContainTextAsync("E-mail present");

        await failing.GetByTestId("rule-row-name").ClickAsync();
        await Expect(page.GetByTestId("samples")).ToContainTextAsync("NULL");
        await Expect(page.GetByTestId("samples").Locator("th").First).ToHaveTextAsync("id");
        await Expect(page.GetByTestId("metric-trend")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "quality-table-tab");

        await page.GotoAsync("/quality");
        await shell.WaitInteractiveAsync();
        await Expect(page.GetByTestId("table-scores")).ToContainTextAsync("shop.customers");
        await Expect(page.GetByTestId("failing-rules")).ToContainTextAsync("E-mail present");
        await AppFixture.ScreenshotAsync(page, "quality-overview");
    }

    private static async Task AddNotNullRuleAsync(IPage page, string name, string column)
    {
        await page.Locator("[data-testid=add-rule]:not([disabled])").ClickAsync();
        await page.GetByTestId("rule-name").FillAsync(name);
        await page.GetByTestId("rule-column").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(column, new() { Exact = true }).ClickAsync();
        await page.GetByTestId("rule-test").ClickAsync();
        await Expect(page.GetByTestId("rule-test-result")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await AppFixture.ScreenshotAsync(page, "quality-rule-editor-" + column);
        await page.GetByTestId("rule-save").ClickAsync();
        await Expect(page.GetByTestId("rules-grid")).ToContainTextAsync(name);
    }
}
