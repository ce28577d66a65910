using AllData.Tests.EndToEnd.Pages;
using AllData.Tests.Fakes.Flink;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

[Collection(AppCollection.Name)]
public sealed class FlinkClusterFlowTests(AppFixture app)
{
    [Fact]
    public async Task Admin_registers_a_cluster_tests_the_connection_and_sees_it_healthy_with_its_jobs()
    {
        await using var flink = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink2_0);
        flink.JobManager.AddJob("clickstream-enrichment");
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        var shell = new ShellPage(page);

        await page.GotoAsync("/flink/clusters");
        await shell.WaitInteractiveAsync();
        await page.Locator("[data-testid=register-cluster]:not([disabled])").ClickAsync();
        var name = "fake-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("cluster-name").FillAsync(name);
        await page.GetByTestId("cluster-jobmanager").FillAsync(flink.JobManager.BaseUrl.ToString());
        await page.GetByTestId("cluster-gateway").FillAsync(flink.SqlGateway.BaseUrl.ToString());
        await page.GetByTestId("cluster-test").ClickAsync();
        await Expect(page.GetByTestId("cluster-test-result")).ToContainTextAsync("SQL Gateway: REST v4", new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "flink-cluster-dialog");
        await page.GetByTestId("cluster-save").ClickAsync();

        var row = page.Locator("tr", new() { Has = page.GetByText(name) });
        await Expect(row.GetByTestId("cluster-status")).ToHaveTextAsync("Healthy", new() { Timeout = 20_000 });
        await Expect(row).ToContainTextAsync(flink.Specs.FlinkVersion);
        await AppFixture.ScreenshotAsync(page, "flink-clusters");

        await row.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.GetByTestId("cluster-jobs")).ToContainTextAsync("clickstream-enrichment", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("cluster-jobs")).ToContainTextAsync("External");
        await AppFixture.ScreenshotAsync(page, "flink-cluster-detail");
    }

    [Fact]
    public async Task Developer_uploads_a_jar_and_sees_it_with_its_hash()
    {
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", AppFixture.AdminPassword);
        await page.GotoAsync("/flink/jars");
        await new ShellPage(page).WaitInteractiveAsync();
        var content = System.Text.Encoding.UTF8.GetBytes("PK\u0003\u0004 " + Guid.NewGuid());

        await page.Locator("input[type=file]").SetInputFilesAsync(new Microsoft.Playwright.FilePayload
        {
            Name = "wordcount.jar", MimeType = "application/java-archive", Buffer = content,
        });

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        await Expect(page.GetByTestId("jar-table")).ToContainTextAsync(hash, new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "flink-jars");
    }
}
