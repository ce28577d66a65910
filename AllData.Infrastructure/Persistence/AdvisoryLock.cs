using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AllData.Infrastructure.Persistence;

/// <summary>
/// A PostgreSQL session advisory lock held on a dedicated, unpooled connection: how instances sharing one store agree
/// that exactly one of them does a piece of background work (tracks a cluster, probes health, samples metrics). The lock
/// lives as long as its session, so <see cref="TryAcquireAsync"/> confirms the session before trusting a lock it holds,
/// and takes it again when the session died.
/// </summary>
public sealed class AdvisoryLock : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly ILogger _logger;
    private NpgsqlConnection? _connection;

    internal AdvisoryLock(string connectionString, long key, string name, ILogger logger)
    {
        Key = key;
        Name = name;
        _logger = logger;
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = $"AllData {name}" }.ConnectionString;
    }

    public long Key { get; }

    public string Name { get; }

    public bool IsHeld => _connection is { State: ConnectionState.Open };

    /// <summary>The key of <paramref name="id"/>'s lock for <paramref name="purpose"/>: the id's halves and the purpose folded into a bigint.</summary>
    public static long KeyOf(Guid id, string purpose = "")
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]) ^ PurposeHash(purpose);
    }

    /// <summary>Takes (or confirms) the lock; false when another session holds it.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken ct)
    {
        if (IsHeld)
        {
            try
            {
                await using var ping = new NpgsqlCommand("SELECT 1", _connection);
                await ping.ExecuteScalarAsync(ct);
                return true;
            }
            catch (NpgsqlException e)
            {
                _logger.LogWarning(e, "Lost the lock {LockName}; taking it again", Name);
            }
        }

        await ReleaseAsync();
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", Key);
            if (await command.ExecuteScalarAsync(ct) is true)
            {
                _connection = connection;
                _logger.LogInformation("Took the lock {LockName}", Name);
                return true;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return false;
    }

    /// <summary>
    /// Unlocks explicitly, then closes the session: closing alone frees the lock only once the server's backend has
    /// exited, which can lag, so another instance could still find it taken.
    /// </summary>
    public async Task ReleaseAsync()
    {
        if (_connection is not { } connection)
        {
            return;
        }

        _connection = null;
        try
        {
            if (connection.State == ConnectionState.Open)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                unlock.Parameters.AddWithValue("key", Key);
                await unlock.ExecuteScalarAsync();
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            _logger.LogDebug(e, "Could not unlock {LockName}; closing the connection frees it", Name);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync());

    private static long PurposeHash(string purpose)
    {
        // FNV-1a: stable across processes and runtimes (string.GetHashCode is randomised per process).
        var hash = 14695981039346656037UL;
        foreach (var c in purpose)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return purpose.Length == 0 ? 0 : unchecked((long)hash);
    }
}

/// <summary>Makes <see cref="AdvisoryLock"/>s on the store's database.</summary>
public sealed class AdvisoryLocks
{
    private readonly IDbContextFactory<AllDataDbContext> _factory;
    private readonly ILoggerFactory _loggers;

    internal AdvisoryLocks(IDbContextFactory<AllDataDbContext> factory, ILoggerFactory loggers)
    {
        _factory = factory;
        _loggers = loggers;
    }

    /// <param name="name">Shown in logs and as the session's application name.</param>
    public AdvisoryLock Create(long key, string name)
    {
        using var db = _factory.CreateDbContext();
        var connectionString = db.Database.GetConnectionString() ?? throw new InvalidOperationException("The store has no connection string.");
        return new AdvisoryLock(connectionString, key, name, _loggers.CreateLogger<AdvisoryLock>());
    }
}
