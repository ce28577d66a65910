using System.Text.RegularExpressions;
using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;
using AllData.Tests.EndToEnd.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AllData.Tests.EndToEnd;

[Collection(AppCollection.Name)]
public sealed partial class FoundationFlowTests(AppFixture app)
{
    private async Task<IPage> SignedInAsync(string user = DatabaseSetup.AdminUserName, string password = AppFixture.AdminPassword)
    {
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync(user, password);
        await page.WaitForURLAsync(u => !u.Contains("/account/login", StringComparison.Ordinal));
        await new ShellPage(page).WaitInteractiveAsync();
        return page;
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_and_keeps_the_user_name()
    {
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync("admin", "not-the-password");

        await Expect(login.Error).ToContainTextAsync("Wrong user name or password.");
        await Expect(login.UserName).ToHaveValueAsync("admin");
        await AppFixture.ScreenshotAsync(page, "login-wrong-password");
    }

    [Fact]
    public async Task Admin_signs_in_through_the_form_and_sees_the_overview()
    {
        var page = await SignedInAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.GetByTestId("home-title")).ToHaveTextAsync(DatabaseSetup.DefaultWorkspaceName);
        await Expect(page.GetByTestId("getting-started")).ToBeVisibleAsync();
        foreach (var card in new[] { "overview-attention", "overview-latest", "overview-schedules", "overview-alerts", "overview-clusters", "overview-quality" })
        {
            await Expect(page.GetByTestId(card)).ToBeVisibleAsync();
        }

        await Expect(page.GetByTestId("overview-attention")).ToContainTextAsync("Runs that need attention");
        await Expect(page.GetByTestId("overview-schedules")).ToContainTextAsync("Next scheduled runs");
        await Expect(page.GetByTestId("overview-alerts")).ToContainTextAsync("Firing alerts");
        await Expect(page.GetByTestId("overview-clusters")).ToContainTextAsync("Flink clusters");
        await Expect(page.GetByTestId("overview-quality")).ToContainTextAsync("Data quality");
        await Expect(page.Locator(".mud-progress-linear")).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "overview");
    }

    [Fact]
    public async Task Switching_to_chinese_shows_chinese_text_and_is_remembered()
    {
        var page = await SignedInAsync();
        await new ShellPage(page).SwitchLanguageAsync("zh-CN");

        await Expect(page.GetByTestId("nav")).ToContainTextAsync("概览");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("getting-started")).ToContainTextAsync("快速开始");
        await Expect(page.GetByTestId("overview-attention")).ToContainTextAsync("需要关注的运行");
        await Expect(page.GetByTestId("overview-schedules")).ToContainTextAsync("即将按计划执行的运行");
        await Expect(page.GetByTestId("overview-alerts")).ToContainTextAsync("正在触发的告警");
        await Expect(page.GetByTestId("overview-clusters")).ToContainTextAsync("Flink 集群");
        await Expect(page.GetByTestId("overview-quality")).ToContainTextAsync("数据质量");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Expect(page.Locator(".mud-progress-linear")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("overview-attention")).ToContainTextAsync("需要关注的运行");
        await AppFixture.ScreenshotAsync(page, "overview-zh-CN");
    }

    [Fact]
    public async Task Switching_workspace_changes_the_current_workspace()
    {
        var name = "Marketing " + Guid.NewGuid().ToString("N")[..4];
        await using (var db = app.Database.CreateContext())
        {
            var adminId = db.Users.Single(u => u.UserName == DatabaseSetup.AdminUserName).Id;
            var workspace = new Workspace(name, DateTimeOffset.UnixEpoch);
            db.Workspaces.Add(workspace);
            db.WorkspaceMembers.Add(new WorkspaceMember(workspace.Id, adminId, WorkspaceRole.Developer, DateTimeOffset.UnixEpoch));
            await db.SaveChangesAsync();
        }

        var page = await SignedInAsync();
        var shell = new ShellPage(page);
        await shell.SwitchWorkspaceAsync(name);

        await Expect(page.GetByTestId("home-title")).ToHaveTextAsync(name);
        await shell.WaitInteractiveAsync();
        await Expect(shell.CurrentWorkspace).ToContainTextAsync(name);
        await AppFixture.ScreenshotAsync(page, "workspace-switched");
        await shell.SwitchWorkspaceAsync(DatabaseSetup.DefaultWorkspaceName);
        await Expect(page.GetByTestId("home-title")).ToHaveTextAsync(DatabaseSetup.DefaultWorkspaceName);
    }

    [Fact]
    public async Task Signing_out_returns_to_the_sign_in_page_and_closes_the_session()
    {
        var page = await SignedInAsync();
        await new ShellPage(page).SignOutAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await page.GotoAsync("/admin/users");
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
    }

    [Fact]
    public async Task Admin_creates_a_user_who_then_signs_in_without_admin_pages()
    {
        var page = await SignedInAsync();
        await page.GotoAsync("/admin/users");
        await page.Locator("[data-testid=user-create]:not([disabled])").ClickAsync();
        await page.GetByTestId("user-form-username").FillAsync("viola");
        await page.GetByTestId("user-form-save").ClickAsync();
        var password = await page.GetByTestId("password-shown").InputValueAsync();
        Assert.Equal(16, password.Length);
        await AppFixture.ScreenshotAsync(page, "users-password-shown");
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(page.GetByTestId("users-grid")).ToContainTextAsync("viola");
        await AppFixture.ScreenshotAsync(page, "users");

        await page.GotoAsync("/workspace/members");
        await page.GetByTestId("member-new-user").FillAsync("viola");
        await page.Locator("[data-testid=member-add]:not([disabled])").ClickAsync();
        await Expect(page.GetByTestId("members-grid")).ToContainTextAsync("viola");
        await AppFixture.ScreenshotAsync(page, "members");

        var viola = await SignedInAsync("viola", password);
        await Expect(viola.GetByTestId("nav")).Not.ToContainTextAsync("Users");
        await viola.GotoAsync("/admin/users");
        await Expect(viola.GetByTestId("access-denied")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(viola, "viewer-access-denied");
    }

    [Fact]
    public async Task Health_endpoint_reports_the_database()
    {
        var page = await app.NewPageAsync();
        var response = await page.APIRequest.GetAsync("/healthz");
        Assert.Equal(200, response.Status);
        Assert.Equal("Healthy", await response.TextAsync());
    }
}
