using AllData.Infrastructure;
using AllData.Domain.Identity;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AllData.Tests.Infrastructure.Catalog;

/// <summary>The real catalog services wired as the app wires them, acting as a user the test chooses.</summary>
internal sealed class CatalogHost : IDisposable
{
    private readonly ServiceProvider _services;

    public CatalogHost(DatabaseFixture fixture)
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
        _services = services.BuildServiceProvider();
    }

    public DatabaseFixture Fixture { get; }

    public IServiceProvider Services => _services;

    /// <summary>Creates a user who is a member of a new workspace with <paramref name="role"/>, and acts as them.</summary>
    public async Task<Guid> ActAsNewMemberAsync(WorkspaceRole role = WorkspaceRole.Developer, Guid? workspaceId = null)
    {
        var (workspace, userId) = await MemberSeed.CreateAsync(Fixture, role, workspaceId);
        Services.GetRequiredService<TestCurrentUser>().UserId = userId;
        return workspace;
    }

    public void ActAs(string? userId) => Services.GetRequiredService<TestCurrentUser>().UserId = userId;

    public string? CurrentUserId => Services.GetRequiredService<TestCurrentUser>().UserId;

    /// <summary>Runs <paramref name="action"/> with a fresh scope's service (a fresh workspace context).</summary>
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

    /// <summary>Creates a database on the test server and runs <paramref name="sql"/> in it.</summary>
    public string CreateSourceDatabase(string sql)
    {
        var name = Fixture.Server.CreateDatabase("catsrc");
        Execute(name, sql);
        return name;
    }

    public void Execute(string database, string sql)
    {
        using var conn = new NpgsqlConnection(Fixture.Server.ConnectionString(database));
        conn.Open();
        using var cmd = new NpgsqlCommand(sql, conn);
        cmd.ExecuteNonQuery();
    }

    public DataSourceInput InputFor(string database, string? password = PostgresServer.SuperPassword, string? name = null) => new()
    {
        Name = name ?? "src-" + database[^8..],
        Host = "127.0.0.1",
        Port = Fixture.Server.Port,
        Database = database,
        UserName = PostgresServer.SuperUser,
        Password = password,
        SslMode = AllData.Domain.Catalog.DataSourceSslMode.Disable,
    };

    public void Dispose() => _services.Dispose();
}
