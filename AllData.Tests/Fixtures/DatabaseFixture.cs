using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllData.Tests.Fixtures;

/// <summary>A fresh, migrated AllData database for one test class, dropped afterwards.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public PostgresServer Server { get; } = PostgresServer.Instance;

    public string DatabaseName { get; private set; } = string.Empty;

    public string ConnectionString => Server.ConnectionString(DatabaseName);

    public async Task InitializeAsync()
    {
        DatabaseName = Server.CreateDatabase("alldata");
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        Server.DropDatabase(DatabaseName);
        return Task.CompletedTask;
    }

    internal AllDataDbContext CreateContext(Guid? workspaceId = null)
    {
        var options = new DbContextOptionsBuilder<AllDataDbContext>();
        PersistenceSetup.Configure(options, ConnectionString);
        return new AllDataDbContext(options.Options) { WorkspaceId = workspaceId };
    }

    public NpgsqlConnection OpenConnection()
    {
        var conn = new NpgsqlConnection(ConnectionString);
        conn.Open();
        return conn;
    }
}
