using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Infrastructure.Catalog;
using MySqlConnector;

namespace AllData.Infrastructure.Sources.MySql;

/// <summary>Connection strings for MySQL/MariaDB sources, built only through MySqlConnector's builder.</summary>
internal static class MySqlConnections
{
    /// <remarks>
    /// Explicit choices, the same for the catalog, previews and studio sessions:
    /// <list type="bullet">
    /// <item>Zero dates (<c>0000-00-00</c>) are read, not refused: <c>AllowZeroDateTime</c> returns them as
    /// <see cref="MySqlDateTime"/>, which <see cref="MySqlValues"/> shows as the text the server stores.</item>
    /// <item><c>TINYINT(1)</c> is a number (<c>TreatTinyAsBoolean = false</c>): the column may hold 2 or -1, and a
    /// boolean would hide that. Flink DDL still maps it to BOOLEAN, as the Flink connectors read it.</item>
    /// <item>User variables (<c>@x</c>) are the server's (<c>AllowUserVariables</c>), never command parameters.</item>
    /// <item><c>LOAD DATA LOCAL INFILE</c> is refused: a server must not read files of the AllData host.</item>
    /// </list>
    /// </remarks>
    public static string ToMySql(this SourceConnection connection, int connectTimeoutSeconds = 5, bool pooling = true,
        string applicationName = "AllData catalog")
    {
        var builder = new MySqlConnectionStringBuilder();
        foreach (var (key, value) in connection.Options)
        {
            try
            {
                builder[key] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                throw new DomainException($"The option '{key}' is not understood by the MySQL driver: {e.Message}");
            }
        }

        builder.Server = connection.Host;
        builder.Port = (uint)connection.Port;
        builder.Database = connection.Database;
        builder.UserID = connection.UserName;
        builder.Password = connection.Password ?? string.Empty;
        builder.SslMode = connection.SslMode switch
        {
            DataSourceSslMode.Disable => MySqlSslMode.None,
            DataSourceSslMode.Require => MySqlSslMode.Required,
            DataSourceSslMode.VerifyCa => MySqlSslMode.VerifyCA,
            DataSourceSslMode.VerifyFull => MySqlSslMode.VerifyFull,
            _ => MySqlSslMode.Preferred,
        };
        builder.ConnectionTimeout = (uint)connectTimeoutSeconds;
        builder.Pooling = pooling;
        builder.ApplicationName = applicationName;
        builder.AllowZeroDateTime = true;
        builder.ConvertZeroDateTime = false;
        builder.TreatTinyAsBoolean = false;
        builder.AllowUserVariables = true;
        builder.AllowLoadLocalInfile = false;
        return builder.ConnectionString;
    }
}

/// <summary>How MySQL values are handed on: a zero or partial date as its stored text, everything else as read.</summary>
internal static class MySqlValues
{
    public static object? Read(MySqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var value = reader.GetValue(ordinal);
        return value is MySqlDateTime date ? Normalize(date) : value;
    }

    public static object Normalize(MySqlDateTime date) =>
        date.IsValidDateTime
            ? date.GetDateTime()
            : $"{date.Year:0000}-{date.Month:00}-{date.Day:00} {date.Hour:00}:{date.Minute:00}:{date.Second:00}";

    /// <summary>Quotes an identifier as MySqlConnector does (backticks, inner backticks doubled).</summary>
    public static string Quote(string identifier) => new MySqlCommandBuilder().QuoteIdentifier(identifier);
}
