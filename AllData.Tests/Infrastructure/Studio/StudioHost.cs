using AllData.Infrastructure;
using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AllData.Tests.Infrastructure.Studio;

/// <summary>The studio's services as the app wires them (persistence, identity, catalog, operations, studio), acting as a chosen user.</summary>
internal sealed class StudioHost : IDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="configure">Changes to the app's registrations (options of a test), applied after them.</param>
    public StudioHost(DatabaseFixture fixture, Action<IServiceCollection>? configure = null)
    {
        Fixture = fixture;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{PersistenceSetup.ConnectionName}"] = fixture.ConnectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAllDataInfrastructure(configuration);
        services.AddSingleton<TestCurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<TestCurrentUser>());
        configure?.Invoke(services);
        _services = services.BuildServiceProvider();
    }

    public DatabaseFixture Fixture { get; }

    public IServiceProvider Services => _services;

    public Guid WorkspaceId { get; private set; }

    /// <summary>Acts as <paramref name="userId"/> from now on (another host's user, to share a workspace).</summary>
    public void ActAs(Guid workspaceId, string userId)
    {
        Services.GetRequiredService<TestCurrentUser>().UserId = userId;
        WorkspaceId = workspaceId;
    }

    public string? UserId => Services.GetRequiredService<TestCurrentUser>().UserId;

    /// <summary>Creates a user who is a member of a (new) workspace with <paramref name="role"/>, and acts as them.</summary>
    public async Task<Guid> ActAsNewMemberAsync(WorkspaceRole role = WorkspaceRole.Developer, Guid? workspaceId = null)
    {
        var (workspace, userId) = await MemberSeed.CreateAsync(Fixture, role, workspaceId);
        Services.GetRequiredService<TestCurrentUser>().UserId = userId;
        WorkspaceId = workspace;
        return workspace;
    }

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

    /// <summary>A database on the test server, registered as a data source of the current workspace.</summary>
    public async Task<(Guid DataSourceId, string Database)> RegisterSourceAsync(string sql = "SELECT 1")
    {
        var name = Fixture.Server.CreateDatabase("studiosrc");
        await using (var conn = new NpgsqlConnection(Fixture.Server.ConnectionString(name)))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var created = await With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(new DataSourceInput
        {
            Name = "src-" + name[^8..],
            Host = "127.0.0.1",
            Port = Fixture.Server.Port,
            Database = name,
            UserName = PostgresServer.SuperUser,
            Password = PostgresServer.SuperPassword,
            SslMode = DataSourceSslMode.Disable,
        }));
        return (created.Id, name);
    }

    /// <summary>A Database SQL job on <paramref name="dataSourceId"/> with <paramref name="sql"/> saved as its draft.</summary>
    public async Task<Guid> CreateJobAsync(string sql, Guid? dataSourceId, int? timeoutSeconds = null, IReadOnlyDictionary<string, string>? variables = null)
    {
        var node = await With<JobTreeService, JobNode>(s => s.CreateJobAsync("job-" + Guid.NewGuid().ToString("N")[..8], null, JobType.DatabaseSql));
        await With<JobService, JobDetail>(s => s.SaveAsync(node.Id, new JobDraft(sql, dataSourceId, timeoutSeconds, 100, variables ?? new Dictionary<string, string>(), 1)));
        return node.Id;
    }

    public async Task<JobRun> WaitForFinalAsync(Guid runId, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(30);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var db = Fixture.CreateContext(WorkspaceId);
            var run = await db.Set<JobRun>().Include(r => r.History).AsNoTracking().FirstAsync(r => r.Id == runId);
            if (run.IsFinal || watch.Elapsed > limit)
            {
                return run;
            }

            await Task.Delay(50);
        }
    }

    public async Task<List<RunLogLine>> LogAsync(Guid runId)
    {
        await using var db = Fixture.CreateContext(WorkspaceId);
        return await db.Set<RunLogLine>().AsNoTracking().Where(l => l.RunId == runId).OrderBy(l => l.Sequence).ToListAsync();
    }

    public void Dispose() => _services.Dispose();
}
