using System.Globalization;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllData.Infrastructure.Scheduling;

/// <summary>
/// A blocking PostgreSQL advisory lock on one schedule or backfill, held on its own connection until disposed: so two
/// nodes never decide about the same schedule (or start slots of the same backfill) at once.
/// </summary>
internal static class SessionLock
{
    /// <summary>The lock space of schedules (firing, tending).</summary>
    public const int Schedule = 5001;

    /// <summary>The lock space of backfills (pumping, canceling).</summary>
    public const int Backfill = 5002;

    public static async Task<IAsyncDisposable> HoldAsync(IDbContextFactory<AllDataDbContext> factory, int space, Guid id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(ct);
        var key = BitConverter.ToInt64(id.ToByteArray(), 8).ToString(CultureInfo.InvariantCulture);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@space, hashtext(@key))", connection);
            command.Parameters.AddWithValue("space", space);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return new Held(connection, space, key);
    }

    private sealed class Held(NpgsqlConnection connection, int space, string key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@space, hashtext(@key))", connection);
                command.Parameters.AddWithValue("space", space);
                command.Parameters.AddWithValue("key", key);
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
