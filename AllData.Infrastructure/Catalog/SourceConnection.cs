using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Infrastructure.Identity;
using Npgsql;

namespace AllData.Infrastructure.Catalog;

/// <summary>Everything needed to connect to a source, with the password in plain text: lives only in memory.</summary>
internal sealed record SourceConnection(
    DataSourceKind Kind,
    string Host,
    int Port,
    string Database,
    string UserName,
    string? Password,
    DataSourceSslMode SslMode,
    IReadOnlyDictionary<string, string> Options)
{
    public override string ToString() => $"{Kind} {UserName}@{Host}:{Port}/{Database}";

    /// <summary>The Npgsql connection string, built only through the driver's builder.</summary>
    public string ToNpgsql(int connectTimeoutSeconds = 5, bool pooling = true, string applicationName = "AllData catalog")
    {
        var builder = new NpgsqlConnectionStringBuilder();
        foreach (var (key, value) in Options)
        {
            try
            {
                builder[key] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw new DomainException($"The option '{key}' is not understood by the PostgreSQL driver: {e.Message}");
            }
        }

        builder.Host = Host;
        builder.Port = Port;
        builder.Database = Database;
        builder.Username = UserName;
        builder.Password = Password;
        builder.SslMode = SslMode switch
        {
            DataSourceSslMode.Disable => Npgsql.SslMode.Disable,
            DataSourceSslMode.Require => Npgsql.SslMode.Require,
            DataSourceSslMode.VerifyCa => Npgsql.SslMode.VerifyCA,
            DataSourceSslMode.VerifyFull => Npgsql.SslMode.VerifyFull,
            _ => Npgsql.SslMode.Prefer,
        };
        builder.Timeout = connectTimeoutSeconds;
        builder.Pooling = pooling;
        builder.ApplicationName = applicationName;
        builder.IncludeErrorDetail = false;
        builder.Passfile = null;
        return builder.ConnectionString;
    }
}

/// <summary>Encrypts data source passwords at rest with ASP.NET Data Protection (its key ring is in the store).</summary>
internal sealed class DataSourceSecrets(Secrets secrets)
{
    private const string Purpose = "AllData.Catalog.DataSourcePassword.v1";

    public string? Protect(string? password) => string.IsNullOrEmpty(password) ? null : secrets.Protect(Purpose, password);

    public SourceConnection ConnectionOf(DataSource source) => new(
        source.Kind, source.Host, source.Port, source.Database, source.UserName,
        source.ProtectedPassword is null ? null : secrets.Unprotect(Purpose, source.ProtectedPassword),
        source.SslMode, source.Options);
}
