using System.Text.RegularExpressions;
using AllData.Domain.Common;

namespace AllData.Domain.Catalog;

/// <summary>The kind of database a data source is; each kind has its own catalog reader.</summary>
public enum DataSourceKind
{
    PostgreSql = 1,

    /// <summary>MySQL 5.7/8.x and MariaDB 10.x/11.x, through MySqlConnector.</summary>
    MySql = 2,
}

public static class DataSourceKindExtensions
{
    /// <summary>The port a server of this kind listens on unless told otherwise.</summary>
    public static int DefaultPort(this DataSourceKind kind) => kind == DataSourceKind.MySql ? 3306 : 5432;

    /// <summary>The dialect of Database SQL scripts run on a source of this kind.</summary>
    public static Studio.SqlDialect Dialect(this DataSourceKind kind) =>
        kind == DataSourceKind.MySql ? Studio.SqlDialect.MySql : Studio.SqlDialect.PostgreSql;
}

/// <summary>How the connection to a source uses TLS.</summary>
public enum DataSourceSslMode
{
    Disable = 0,
    Prefer = 1,
    Require = 2,
    VerifyCa = 3,
    VerifyFull = 4,
}

/// <summary>
/// A database registered once in a workspace. The password is held only as an opaque protected string: the
/// infrastructure encrypts and decrypts it, the domain never sees it in plain text.
/// </summary>
public sealed partial class DataSource : IWorkspaceOwned
{
    public const int MaxNameLength = 80;
    public const int MaxOptions = 20;

    /// <summary>Keys that the dedicated fields own; an extra option cannot override them.</summary>
    private static readonly HashSet<string> ReservedOptionKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "server", "port", "database", "db", "username", "user", "user id", "userid", "password", "pwd",
        "ssl mode", "sslmode", "passfile", "include error detail", "uid", "allow zero datetime", "allowzerodatetime",
        "convert zero datetime", "convertzerodatetime", "treat tiny as boolean", "treattinyasboolean", "allow user variables",
        "allowuservariables", "allow load local infile", "allowloadlocalinfile",
    };

    private Dictionary<string, string> _options = [];

    private DataSource()
    {
        Name = Host = Database = UserName = string.Empty;
    }

    public DataSource(Guid workspaceId, DataSourceSettings settings, string? protectedPassword, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        WorkspaceId = workspaceId;
        Kind = Enum.IsDefined(settings.Kind) ? settings.Kind : throw new DomainException($"'{settings.Kind}' is not a kind of data source.");
        Name = Host = Database = UserName = string.Empty;
        Apply(settings);
        ProtectedPassword = string.IsNullOrEmpty(protectedPassword) ? null : protectedPassword;
        IsEnabled = true;
        CreatedAt = UpdatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    public DataSourceKind Kind { get; private set; }

    public string Host { get; private set; }

    public int Port { get; private set; }

    public string Database { get; private set; }

    public string UserName { get; private set; }

    /// <summary>The password as protected by the infrastructure; null when the source has none.</summary>
    public string? ProtectedPassword { get; private set; }

    public bool HasPassword => ProtectedPassword is not null;

    public DataSourceSslMode SslMode { get; private set; }

    public IReadOnlyDictionary<string, string> Options
    {
        get => _options;
        private set => _options = new Dictionary<string, string>(value, StringComparer.OrdinalIgnoreCase);
    }

    public bool IsEnabled { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Changes the connection settings; a null <paramref name="protectedPassword"/> keeps the stored one.</summary>
    public void ChangeSettings(DataSourceSettings settings, string? protectedPassword, DateTimeOffset at)
    {
        if (settings.Kind != Kind)
        {
            throw new DomainException("The kind of a data source cannot change.");
        }

        Apply(settings);
        if (!string.IsNullOrEmpty(protectedPassword))
        {
            ProtectedPassword = protectedPassword;
        }

        UpdatedAt = at;
    }

    public void ClearPassword(DateTimeOffset at)
    {
        ProtectedPassword = null;
        UpdatedAt = at;
    }

    public void Disable(DateTimeOffset at)
    {
        IsEnabled = false;
        UpdatedAt = at;
    }

    public void Enable(DateTimeOffset at)
    {
        IsEnabled = true;
        UpdatedAt = at;
    }

    /// <summary>Throws unless the source may be used to connect.</summary>
    public void EnsureEnabled()
    {
        if (!IsEnabled)
        {
            throw new DomainException($"The data source '{Name}' is disabled.");
        }
    }

    private void Apply(DataSourceSettings s)
    {
        Name = Required(s.Name, "name", MaxNameLength);
        Host = Required(s.Host, "host", 255);
        if (s.Port is < 1 or > 65535)
        {
            throw new DomainException("The port must be between 1 and 65535.");
        }

        Port = s.Port;
        Database = Required(s.Database, "database", 63);
        UserName = Required(s.UserName, "user", 63);
        SslMode = Enum.IsDefined(s.SslMode) ? s.SslMode : throw new DomainException($"'{s.SslMode}' is not an SSL mode.");
        Options = ValidateOptions(s.Options ?? new Dictionary<string, string>());
    }

    public static IReadOnlyDictionary<string, string> ValidateOptions(IReadOnlyDictionary<string, string> options)
    {
        if (options.Count > MaxOptions)
        {
            throw new DomainException($"A data source has at most {MaxOptions} extra options.");
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (rawKey, rawValue) in options)
        {
            var key = rawKey?.Trim() ?? string.Empty;
            var value = rawValue?.Trim() ?? string.Empty;
            if (!OptionKey().IsMatch(key))
            {
                throw new DomainException($"'{key}' is not a valid option name (letters, digits, spaces and underscores).");
            }

            if (ReservedOptionKeys.Contains(key))
            {
                throw new DomainException($"The option '{key}' is set by its own field, not as an extra option.");
            }

            if (value.Length > 500 || value.Any(char.IsControl))
            {
                throw new DomainException($"The value of option '{key}' is invalid.");
            }

            if (!result.TryAdd(key, value))
            {
                throw new DomainException($"The option '{key}' is given twice.");
            }
        }

        return result;
    }

    private static string Required(string? value, string what, int max)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new DomainException($"A data source needs a {what}.");
        }

        return trimmed.Length <= max ? trimmed : throw new DomainException($"The {what} has at most {max} characters.");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9 _]{0,63}$")]
    private static partial Regex OptionKey();
}

/// <summary>The editable settings of a data source (everything but the password).</summary>
public sealed record DataSourceSettings(
    string Name,
    DataSourceKind Kind,
    string Host,
    int Port,
    string Database,
    string UserName,
    DataSourceSslMode SslMode,
    IReadOnlyDictionary<string, string>? Options = null);
