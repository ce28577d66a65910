using System.Security.Claims;
using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Studio;
using AllData.Tests.EndToEnd.Pages;
using AllData.Tests.Fixtures;
using AllData.Web.Features.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AllData.Tests.EndToEnd;

/// <summary>
/// A new user whose only workspace is a new one, with a "warehouse" data source on the test PostgreSQL, and database
/// SQL jobs on it made through the studio's services: the world a browser flow starts from.
/// </summary>
public sealed class WarehouseWorld(AppFixture app)
{
    public const string Password = "Operator-Passw0rd!";

    public async Task<(string UserName, string UserId, Guid WorkspaceId)> UserAsync(string prefix = "op", WorkspaceRole role = WorkspaceRole.Developer)
    {
        var name = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = name, DisplayName = "Operator " + name };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        await using var db = app.Database.CreateContext();
        var workspace = new Workspace(name, DateTimeOffset.UtcNow);
        db.Add(workspace);
        db.Add(new WorkspaceMember(workspace.Id, user.Id, role, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
        db.WorkspaceId = workspace.Id;
        var settings = new DataSourceSettings("warehouse", DataSourceKind.PostgreSql, "127.0.0.1", app.Database.Server.Port,
            app.Database.DatabaseName, PostgresServer.SuperUser, DataSourceSslMode.Disable);
        db.Add(new DataSource(workspace.Id, settings, scope.ServiceProvider.GetRequiredService<DataSourceSecrets>().Protect(PostgresServer.SuperPassword),
            DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
        return (name, user.Id, workspace.Id);
    }

    public async Task<IPage> SignInAsync(string userName, string path)
    {
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SubmitAsync(userName, Password);
        await page.WaitForURLAsync(u => !u.Contains("/account/login", StringComparison.Ordinal));
        await page.GotoAsync(path);
        await new ShellPage(page).WaitInteractiveAsync();
        return page;
    }

    /// <summary>Runs <paramref name="action"/> on a service of a scope signed in as <paramref name="userId"/>.</summary>
    public async Task<TResult> AsUserAsync<TService, TResult>(string userId, Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>()
            .Set(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test")));
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>A database SQL job on the warehouse, created (and published when asked) as <paramref name="userId"/>.</summary>
    public async Task<(Guid JobId, string Name)> JobAsync(string userId, Guid workspaceId, string sql, bool publish = false, string prefix = "ops")
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>()
            .Set(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test")));
        await using var db = app.Database.CreateContext(workspaceId);
        var source = await db.Set<DataSource>().SingleAsync(d => d.Name == "warehouse");
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..8];
        var job = await scope.ServiceProvider.GetRequiredService<JobTreeService>().CreateJobAsync(name, null, JobType.DatabaseSql);
        var jobs = scope.ServiceProvider.GetRequiredService<JobService>();
        var detail = await jobs.GetAsync(job.Id);
        await jobs.SaveAsync(job.Id, new JobDraft(sql, source.Id, null, 100, new Dictionary<string, string>(), detail.Version));
        if (publish)
        {
            await scope.ServiceProvider.GetRequiredService<JobVersionService>().PublishAsync(job.Id, "e2e");
        }

        return (job.Id, name);
    }
}
