using System.Globalization;
using System.Text.RegularExpressions;
using AllData.Domain.Common;

namespace AllData.Domain.Catalog;

/// <summary>Where Flink CDC's <c>mysql-cdc</c> source starts reading (its <c>scan.startup.mode</c>).</summary>
public enum MySqlCdcStartupMode
{
    /// <summary>Snapshot the table, then read the binlog from the snapshot's position.</summary>
    Initial,

    /// <summary>Only changes from the binlog's end on; no snapshot.</summary>
    LatestOffset,

    /// <summary>From the earliest binlog still on the server; no snapshot.</summary>
    EarliestOffset,

    /// <summary>The snapshot only, then the source ends (a bounded read).</summary>
    Snapshot,
}

/// <summary>
/// The settings of a <c>mysql-cdc</c> table: a server id range (every parallel source reader joins the replication
/// as its own server id, so the range must hold at least as many ids as the source's parallelism and must not overlap
/// the ids of other replicas or CDC jobs of the same server) and the startup mode.
/// </summary>
public sealed partial record MySqlCdcSettings
{
    public MySqlCdcSettings(string serverIds, MySqlCdcStartupMode startupMode)
    {
        var text = serverIds?.Trim() ?? string.Empty;
        var m = ServerIdPattern().Match(text);
        if (!m.Success
            || !uint.TryParse(m.Groups["from"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || from == 0)
        {
            throw new DomainException("The server id is a number from 1 to 4294967295, or a range like 5400-5404.");
        }

        var to = from;
        if (m.Groups["to"].Success && (!uint.TryParse(m.Groups["to"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out to) || to < from))
        {
            throw new DomainException("The end of the server id range must be a number not below its start.");
        }

        if (!Enum.IsDefined(startupMode))
        {
            throw new DomainException($"'{startupMode}' is not a startup mode.");
        }

        ServerIds = from == to ? from.ToString(CultureInfo.InvariantCulture) : $"{from}-{to}";
        Readers = (long)to - from + 1;
        StartupMode = startupMode;
    }

    public static MySqlCdcSettings Default { get; } = new("5400-5403", MySqlCdcStartupMode.Initial);

    /// <summary>The normalised <c>server-id</c> option: <c>5400</c> or <c>5400-5403</c>.</summary>
    public string ServerIds { get; }

    /// <summary>How many parallel readers the range allows.</summary>
    public long Readers { get; }

    public MySqlCdcStartupMode StartupMode { get; }

    /// <summary>The option value Flink CDC expects.</summary>
    public string StartupModeOption => StartupMode switch
    {
        MySqlCdcStartupMode.LatestOffset => "latest-offset",
        MySqlCdcStartupMode.EarliestOffset => "earliest-offset",
        MySqlCdcStartupMode.Snapshot => "snapshot",
        _ => "initial",
    };

    [GeneratedRegex(@"^(?<from>[0-9]{1,10})(\s*-\s*(?<to>[0-9]{1,10}))?$")]
    private static partial Regex ServerIdPattern();
}

/// <summary>Flink SQL tables over a MySQL/MariaDB table: <c>jdbc</c> and Flink CDC's <c>mysql-cdc</c>, with MySQL → Flink type mapping.</summary>
public static partial class FlinkMySqlDdl
{
    /// <summary>A bounded/lookup table through Flink's <c>jdbc</c> connector (MySQL Connector/J URL).</summary>
    public static string Jdbc(TableSnapshot table, FlinkConnection connection) =>
        FlinkDdl.Generate(table, MapType, [
            ("connector", "jdbc"),
            ("url", $"jdbc:mysql://{connection.Host}:{connection.Port.ToString(CultureInfo.InvariantCulture)}/{table.Schema}"),
            ("table-name", table.Name),
            ("username", connection.UserName),
            ("password", "${" + connection.PasswordVariable + "}"),
        ]);

    /// <summary>A changelog table through Flink CDC's <c>mysql-cdc</c> connector (reads the binlog; needs ROW format).</summary>
    public static string Cdc(TableSnapshot table, FlinkConnection connection, MySqlCdcSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return FlinkDdl.Generate(table, MapType, [
            ("connector", "mysql-cdc"),
            ("hostname", connection.Host),
            ("port", connection.Port.ToString(CultureInfo.InvariantCulture)),
            ("username", connection.UserName),
            ("password", "${" + connection.PasswordVariable + "}"),
            ("database-name", EscapeRegex(table.Schema)),
            ("table-name", EscapeRegex(table.Name)),
            ("server-id", settings.ServerIds),
            ("scan.startup.mode", settings.StartupModeOption),
        ]);
    }

    /// <summary>
    /// The Flink SQL type for a MySQL column type as information_schema.COLUMNS.COLUMN_TYPE prints it. TINYINT(1)
    /// maps to BOOLEAN as both connectors read it (Connector/J's tinyInt1isBit); UNSIGNED types widen.
    /// </summary>
    public static string MapType(string mysqlType)
    {
        var lower = mysqlType.Trim().ToLowerInvariant();
        var unsigned = lower.Contains(" unsigned", StringComparison.Ordinal);
        var m = TypePattern().Match(lower);
        var baseName = m.Success ? m.Groups["base"].Value : lower;
        var mods = m.Success && m.Groups["mods"].Success ? m.Groups["mods"].Value.Split(',', StringSplitOptions.TrimEntries) : [];
        return baseName switch
        {
            "tinyint" when mods is ["1"] && !unsigned => "BOOLEAN",
            "bool" or "boolean" => "BOOLEAN",
            "bit" when mods is [] or ["1"] => "BOOLEAN",
            "bit" => "BYTES",
            "tinyint" => unsigned ? "SMALLINT" : "TINYINT",
            "smallint" => unsigned ? "INT" : "SMALLINT",
            "mediumint" => "INT",
            "int" or "integer" => unsigned ? "BIGINT" : "INT",
            "bigint" => unsigned ? "DECIMAL(20, 0)" : "BIGINT",
            "float" => "FLOAT",
            "double" or "real" or "double precision" => "DOUBLE",
            "decimal" or "numeric" or "fixed" when mods.Length == 2 => $"DECIMAL({mods[0]}, {mods[1]})",
            "decimal" or "numeric" or "fixed" when mods.Length == 1 => $"DECIMAL({mods[0]}, 0)",
            "decimal" or "numeric" or "fixed" => "DECIMAL(10, 0)",
            "date" => "DATE",
            "time" => mods.Length == 1 ? $"TIME({mods[0]})" : "TIME",
            "datetime" => mods.Length == 1 ? $"TIMESTAMP({mods[0]})" : "TIMESTAMP(0)",
            "timestamp" => mods.Length == 1 ? $"TIMESTAMP_LTZ({mods[0]})" : "TIMESTAMP_LTZ(0)",
            "year" => "INT",
            "char" when mods.Length == 1 => $"CHAR({mods[0]})",
            "varchar" when mods.Length == 1 => $"VARCHAR({mods[0]})",
            "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => "BYTES",
            _ => "STRING",
        };
    }

    /// <summary>mysql-cdc reads database-name and table-name as regular expressions: a literal name has its metacharacters escaped.</summary>
    private static string EscapeRegex(string name) => RegexMeta().Replace(name, @"\$0");

    [GeneratedRegex(@"^(?<base>[a-z ]+?)\s*(\((?<mods>[0-9, ]+)\))?(\s+(unsigned|signed|zerofill))*$")]
    private static partial Regex TypePattern();

    [GeneratedRegex(@"[\\.^$|?*+()\[\]{}]")]
    private static partial Regex RegexMeta();
}
