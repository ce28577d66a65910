using System.Text.RegularExpressions;
using AllData.Tests.EndToEnd.Pages;
using AllData.Tests.Fixtures;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

[Collection(AppCollection.Name)]
public sealed class CatalogFlowTests(AppFixture app)
{
    private static string CreateShopDatabase()
    {
        var server = PostgresServer.Instance;
        var name = server.CreateDatabase("shop");
        using var conn = new NpgsqlConnection(server.ConnectionString(name));
        conn.Open();
        using var cmd = new NpgsqlCommand("""
            CREATE SCHEMA shop;
            CREATE TABLE shop.customers (id bigint PRIMARY KEY, email text, signup_country char(2) NOT NULL);
            COMMENT ON COLUMN shop.customers.signup_country IS 'ISO country of the first order';
            INSERT INTO shop.customers SELECT g, 'user' || g || '@example.com', 'DE' FROM generate_series(1, 50) g;
            INSERT INTO shop.customers VALUES (51, NULL, 'FR');
            CREATE SCHEMA "we;ird";
            CREATE TABLE "we;ird"."ta""ble" (id int PRIMARY KEY, "naïve col" text);
            INSERT INTO "we;ird"."ta""ble" VALUES (1, 'ok');
            """, conn);
        cmd.ExecuteNonQuery();
        return name;
    }

    [Fact]
    public async Task Register_a_source_with_a_wrong_password_fix_it_sync_search_preview_and_copy_the_flink_ddl()
    {
        var database = CreateShopDatabase();
        var page = await app.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);

        var shell = new ShellPage(page);
        await page.GotoAsync("/catalog/sources");
        await shell.WaitInteractiveAsync();
        await page.Locator("[data-testid=register-source]:not([disabled])").ClickAsync();
        await page.GetByTestId("source-name").FillAsync("Shop " + database[^6..]);
        await page.GetByTestId("source-host").FillAsync("127.0.0.1");
        await page.GetByTestId("source-port").FillAsync(PostgresServer.Instance.Port.ToString());
        await page.GetByTestId("source-database").FillAsync(database);
        await page.GetByTestId("source-user").FillAsync(PostgresServer.SuperUser);
        await page.GetByTestId("source-password").FillAsync("wrong-password");
        await page.GetByTestId("test-connection").ClickAsync();
        await Expect(page.GetByTestId("test-result")).ToContainTextAsync("Authentication failed", new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "catalog-source-wrong-password");

        await page.GetByTestId("source-password").FillAsync(PostgresServer.SuperPassword);
        await page.GetByTestId("test-connection").ClickAsync();
        await Expect(page.GetByTestId("test-result")).ToContainTextAsync("Connected to", new() { Timeout = 15_000 });
        await page.GetByTestId("save-source").ClickAsync();
        await Expect(page.GetByTestId("sources-grid")).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });
        await AppFixture.ScreenshotAsync(page, "catalog-sources");

        await page.GotoAsync("/catalog");
        await shell.WaitInteractiveAsync();
        await page.Locator("[data-testid=catalog-search]:not([disabled])").FillAsync("signup_country");
        var hit = page.GetByTestId("search-hit").First;
        await Expect(hit).ToContainTextAsync("signup_country", new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "catalog-search");
        await hit.ClickAsync();

        await Expect(page.GetByTestId("table-title")).ToContainTextAsync("customers");
        await AppFixture.ScreenshotAsync(page, "catalog-table-columns");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Preview" }).ClickAsync();
        await Expect(page.GetByTestId("preview-grid")).ToContainTextAsync("user1@example.com", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("null-value").First).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "catalog-table-preview");

        await page.GetByRole(AriaRole.Tab, new() { Name = "DDL" }).ClickAsync();
        await Expect(page.GetByTestId("ddl-flink-jdbc")).ToContainTextAsync("'connector' = 'jdbc'");
        await page.GetByTestId("copy-flink-jdbc").ClickAsync();
        await Expect(page.GetByText("Copied to the clipboard")).ToBeVisibleAsync();
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Matches(new Regex("CREATE TABLE .*customers", RegexOptions.Singleline), copied);
        await AppFixture.ScreenshotAsync(page, "catalog-table-ddl");
    }
}
