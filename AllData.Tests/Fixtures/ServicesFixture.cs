using AllData.Infrastructure;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.Fixtures;

/// <summary>The acting user, settable by a test.</summary>
public sealed class TestCurrentUser : ICurrentUser
{
    public string? UserId { get; set; }
}

/// <summary>
/// The infrastructure services as the app registers them, on a fresh migrated database, acting as a user the
/// test chooses (<see cref="ActAs"/>).
/// </summary>
public sealed class ServicesFixture : IAsyncLifetime
{
    private readonly DatabaseFixture _database = new();

    public ServiceProvider Services { get; private set; } = default!;

    public DatabaseFixture Database => _database;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:AllData"] = _database.ConnectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpContextAccessor();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddAllDataInfrastructure(configuration);
        services.AddScoped<TestCurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<TestCurrentUser>());
        Services = services.BuildServiceProvider();
    }

    /// <summary>A scope acting as <paramref name="userId"/> (null: nobody signed in).</summary>
    public AsyncServiceScope ActAs(string? userId)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TestCurrentUser>().UserId = userId;
        return scope;
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await _database.DisposeAsync();
    }
}
