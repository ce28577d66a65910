using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure.Persistence;

public static class PersistenceSetup
{
    public const string ConnectionName = "AllData";

    internal static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>The metadata store: one PostgreSQL database, reached through short-lived contexts.</summary>
    public static IServiceCollection AddAllDataPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException(
                $"Set ConnectionStrings:{ConnectionName} (or the environment variable ConnectionStrings__{ConnectionName}).");
        services.AddDbContextFactory<AllDataDbContext>(o => Configure(o, connectionString));
        services.AddScoped<AppDb>();
        services.AddSingleton(sp => new AdvisoryLocks(sp.GetRequiredService<IDbContextFactory<AllDataDbContext>>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
        // Secrets (data source passwords, tokens) are encrypted with Data Protection; its key ring lives in this store
        // so every app instance shares it and a restart loses nothing.
        services.AddDataProtection().SetApplicationName("AllData").PersistKeysToDbContext<AllDataDbContext>();
        services.AddHealthChecks().AddDbContextCheck<AllDataDbContext>("database");
        return services;
    }
}
