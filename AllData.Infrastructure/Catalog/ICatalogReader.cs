using AllData.Domain.Catalog;

namespace AllData.Infrastructure.Catalog;

/// <summary>Why a connection test failed, in words the user can act on.</summary>
public enum ConnectionFailure
{
    None = 0,
    HostUnreachable = 1,
    ConnectionRefused = 2,
    Timeout = 3,
    AuthenticationFailed = 4,
    DatabaseDoesNotExist = 5,
    SslRequired = 6,
    SslNotSupported = 7,
    InvalidSettings = 8,
    Other = 9,
}

public sealed record ConnectionTestResult(bool Succeeded, string? ServerVersion, TimeSpan? RoundTrip, ConnectionFailure Failure, string? Message)
{
    public static ConnectionTestResult Failed(ConnectionFailure failure, string message) => new(false, null, null, failure, message);
}

/// <summary>What a sync is doing, for the UI.</summary>
public sealed record SyncProgress(string Stage, int Percent);

public sealed record CatalogReadResult(CatalogSnapshot Snapshot, int QueryCount);

/// <summary>The first rows of a table: typed values, null for SQL NULL.</summary>
public sealed record PreviewResult(IReadOnlyList<PreviewColumn> Columns, IReadOnlyList<object?[]> Rows);

public sealed record PreviewColumn(string Name, string DataType);

public sealed record ColumnProfile(string Column, string DataType, long Rows, long Nulls, long? Distinct, string? Min, string? Max)
{
    public double NullPercent => Rows == 0 ? 0 : Math.Round(100.0 * Nulls / Rows, 2);
}

public sealed record ProfileProgress(string Stage, int Percent);

/// <summary>
/// Everything AllData does against one kind of source: test, read the catalog, preview, profile. One
/// implementation per <see cref="DataSourceKind"/>; the catalog itself never knows which.
/// </summary>
internal interface ICatalogReader
{
    DataSourceKind Kind { get; }

    /// <summary>The driver's connection string for a source, built only through the driver's builder.</summary>
    /// <exception cref="AllData.Domain.Common.DomainException">An extra option the driver does not understand.</exception>
    string ConnectionString(SourceConnection connection, int connectTimeoutSeconds, bool pooling, string applicationName);

    /// <summary>Turns a connection or query exception of this driver into a user-facing reason.</summary>
    ConnectionTestResult Classify(Exception e);

    Task<ConnectionTestResult> TestConnectionAsync(SourceConnection connection, CancellationToken ct);

    /// <summary>Reads the whole catalog with one bulk query per kind of object.</summary>
    Task<CatalogReadResult> ReadAsync(SourceConnection connection, IProgress<SyncProgress>? progress, CancellationToken ct);

    /// <summary>The first <paramref name="limit"/> rows, read only, under a statement timeout.</summary>
    Task<PreviewResult> PreviewAsync(SourceConnection connection, TableSnapshot table, int limit, CancellationToken ct);

    /// <summary>Null share, distinct count, min and max of every column, in one query.</summary>
    Task<IReadOnlyList<ColumnProfile>> ProfileAsync(SourceConnection connection, TableSnapshot table, IProgress<ProfileProgress>? progress, CancellationToken ct);
}

/// <summary>Finds the reader of a source kind.</summary>
internal sealed class CatalogReaders(IEnumerable<ICatalogReader> readers)
{
    private readonly Dictionary<DataSourceKind, ICatalogReader> _byKind = readers.ToDictionary(r => r.Kind);

    public ICatalogReader For(DataSourceKind kind) =>
        _byKind.TryGetValue(kind, out var reader)
            ? reader
            : throw new AllData.Domain.Common.DomainException($"Sources of kind {kind} are not supported.");
}
