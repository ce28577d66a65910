using System.Collections.Concurrent;
using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AllData.Tests.EndToEnd.Live;

/// <summary>Users, workspaces, runs and signed-in hub connections against the app of <see cref="AppFixture"/>.</summary>
internal sealed class LiveTestKit(AppFixture app)
{
    public RunRecorder Recorder => app.Services.GetRequiredService<RunRecorder>();

    public async Task<(Guid WorkspaceId, string UserId)> WorkspaceWithMemberAsync(WorkspaceRole role = WorkspaceRole.Operator)
    {
        var name = "live-" + Guid.NewGuid().ToString("N")[..8];
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = name, DisplayName = name };
        var created = await users.CreateAsync(user);
        Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Description)));
        await using var db = app.Database.CreateContext();
        var workspace = new Workspace(name, DateTimeOffset.UtcNow);
        db.Add(workspace);
        db.Add(new WorkspaceMember(workspace.Id, user.Id, role, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
        return (workspace.Id, user.Id);
    }

    /// <summary>The app's own auth cookie for <paramref name="userId"/>, as the sign-in page would set it.</summary>
    public async Task<string> CookieAsync(string userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>()
            .CreateAsync((await users.FindByIdAsync(userId))!);
        var options = scope.ServiceProvider.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        return options.TicketDataFormat.Protect(new AuthenticationTicket(principal, IdentityConstants.ApplicationScheme));
    }

    public async Task<LiveClient> ConnectAsync(string userId)
    {
        var cookie = await CookieAsync(userId);
        var connection = new HubConnectionBuilder()
            .WithUrl(app.BaseUrl + "/hubs/live", o => o.Headers.Add("Cookie", $"alldata.auth={cookie}"))
            .Build();
        var client = new LiveClient(connection);
        await connection.StartAsync();
        return client;
    }

    /// <summary>A run held by an instance of the test's own (lease for an hour), so no recovery takes it while the test moves it.</summary>
    public async Task<JobRun> CreateRunAsync(Guid workspaceId, string? startedBy = null)
    {
        var run = new JobRun(workspaceId, Guid.NewGuid(), null, RunTrigger.Manual, startedBy, RunEngine.DatabaseSql, Recorder.Now);
        run.Claim("live-test-kit", Recorder.Now.AddHours(1));
        return await Recorder.CreateAsync(run);
    }

    public Task MoveAsync(Guid runId, Action<JobRun, DateTimeOffset> change) => Recorder.TransitionAsync(runId, change);

    public static async Task EventuallyAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>A hub connection that records everything pushed to it.</summary>
internal sealed class LiveClient : IAsyncDisposable
{
    public LiveClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<IReadOnlyList<LiveRunStatus>>("RunStatus", batch => Batches.Enqueue(batch));
        connection.On<LiveLogBatch>("RunLog", batch => Logs.Enqueue(batch));
    }

    public HubConnection Connection { get; }

    public ConcurrentQueue<IReadOnlyList<LiveRunStatus>> Batches { get; } = new();

    public ConcurrentQueue<LiveLogBatch> Logs { get; } = new();

    public IEnumerable<LiveRunStatus> Changes => Batches.SelectMany(b => b);

    public Task JoinAsync(Guid workspaceId) => Connection.InvokeAsync("JoinWorkspace", workspaceId);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
