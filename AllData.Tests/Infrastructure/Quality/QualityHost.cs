using AllData.Infrastructure;
using AllData.Domain.Identity;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Quality;
using AllData.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AllData.Tests.Infrastructure.Quality;

/// <summary>The catalog and quality services wired as the app wires them, acting as a user the test chooses.</summary>
internal sealed class QualityHost : IDisposable
{
    private readonly ServiceProvider _services;

    public QualityHost(DatabaseFixture fixture, string? maskPattern = null)
    {
        Fixture = fixture;
        var settings = new Dictionary<string, string?> { [$"ConnectionStrings:{PersistenceSetup.ConnectionName}"] = fixture.ConnectionString };
        if (maskPattern is not null)
        {
            settings["Quality:MaskPattern"] = maskPattern;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
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

    public async Task<(Guid Workspace, string UserId)> NewMemberAsync(WorkspaceRole role, Guid? workspaceId = null)
    {
        var (workspace, userId) = await MemberSeed.CreateAsync(Fixture, role, workspaceId);
        ActAs(userId);
        return (workspace, userId);
    }

    public void ActAs(string? userId) => Services.GetRequiredService<TestCurrentUser>().UserId = userId;

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

    /// <summary>Registers (and syncs) a source on a database of the test server, as the acting Developer.</summary>
    public Task<DataSourceCreated> RegisterAsync(string database) => With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(new DataSourceInput
    {
        Name = "src-" + database[^8..],
        Host = "127.0.0.1",
        Port = Fixture.Server.Port,
        Database = database,
        UserName = PostgresServer.SuperUser,
        Password = PostgresServer.SuperPassword,
        SslMode = AllData.Domain.Catalog.DataSourceSslMode.Disable,
    }));

    public static string CreateDatabase(string prefix, string sql)
    {
        var name = PostgresServer.Instance.CreateDatabase(prefix);
        using var conn = new NpgsqlConnection(PostgresServer.Instance.ConnectionString(name));
        conn.Open();
        using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 300 };
        cmd.ExecuteNonQuery();
        return name;
    }

    public static long Scalar(string database, string sql)
    {
        using var conn = new NpgsqlConnection(PostgresServer.Instance.ConnectionString(database));
        conn.Open();
        using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _services.Dispose();
}
