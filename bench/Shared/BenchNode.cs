using AllData.Domain.Identity;
using AllData.Infrastructure;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

internal sealed class BenchUser : ICurrentUser
{
    public string? UserId { get; set; }
}

/// <summary>One app instance's services (its own clustered Quartz node) on the shared store.</summary>
internal sealed class Node : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public Node(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{PersistenceSetup.ConnectionName}"] = connectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAllDataInfrastructure(configuration);
        services.AddSingleton(User);
        services.AddSingleton<ICurrentUser>(User);
        _services = services.BuildServiceProvider();
    }

    public BenchUser User { get; } = new();

    public IServiceProvider Services => _services;

    public async Task<IScheduler> SchedulerAsync() => await _services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    public async Task<TResult> With<TService, TResult>(Func<TService, Task<TResult>> action)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task With<TService>(Func<TService, Task> action)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>The first steps of every bench: the store migrated, a workspace and its Admin.</summary>
internal static class BenchStore
{
    public static async Task<Guid> PrepareAsync(Node node, TimeProvider clock)
    {
        await using var db = await node.Services.GetRequiredService<IDbContextFactory<AllDataDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
        var workspace = new Workspace("Bench", clock.GetUtcNow());
        var user = new AppUser { UserName = "bench", NormalizedUserName = "BENCH", CurrentWorkspaceId = workspace.Id };
        db.Workspaces.Add(workspace);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        db.WorkspaceMembers.Add(new WorkspaceMember(workspace.Id, user.Id, WorkspaceRole.Admin, clock.GetUtcNow()));
        await db.SaveChangesAsync();
        node.User.UserId = user.Id;
        return workspace.Id;
    }

    public static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
