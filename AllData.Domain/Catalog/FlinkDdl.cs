using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AllData.Domain.Catalog;

/// <summary>Where a Flink table reads from: the source's address, without the password.</summary>
/// <param name="PasswordVariable">The studio variable that holds the password, written as <c>${name}</c>.</param>
public sealed record FlinkConnection(string Host, int Port, string Database, string UserName, string PasswordVariable = "password");

/// <summary>Flink SQL <c>CREATE TABLE</c> statements for a catalog table, with PostgreSQL → Flink type mapping.</summary>
public static partial class FlinkDdl
{
    /// <summary>A bounded/lookup table through Flink's <c>jdbc</c> connector.</summary>
    public static string Jdbc(TableSnapshot table, FlinkConnection connection) =>
        Generate(table, [
            ("connector", "jdbc"),
            ("url", $"jdbc:postgresql://{connection.Host}:{connection.Port.ToString(CultureInfo.InvariantCulture)}/{connection.Database}"),
            ("table-name", $"{PostgresDdl.Qualified(table.Schema, table.Name)}"),
            ("username", connection.UserName),
            ("password", "${" + connection.PasswordVariable + "}"),
        ]);

    /// <summary>A changelog table through Flink CDC's <c>postgres-cdc</c> connector (logical decoding with pgoutput).</summary>
    public static string PostgresCdc(TableSnapshot table, FlinkConnection connection) =>
        Generate(table, [
            ("connector", "postgres-cdc"),
            ("hostname", connection.Host),
            ("port", connection.Port.ToString(CultureInfo.InvariantCulture)),
            ("username", connection.UserName),
            ("password", "${" + connection.PasswordVariable + "}"),
            ("database-name", connection.Database),
            ("schema-name", table.Schema),
            ("table-name", table.Name),
            ("slot.name", SlotName(table)),
            ("decoding.plugin.name", "pgoutput"),
        ]);

    /// <summary>Quotes a Flink SQL identifier with backticks (a backtick inside is doubled).</summary>
    public static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>The Flink SQL type for a PostgreSQL type as <c>format_type</c> prints it.</summary>
    public static string MapType(string postgresType)
    {
        var type = postgresType.Trim();
        if (type.EndsWith("[]", StringComparison.Ordinal))
        {
            return $"ARRAY<{MapType(type[..^2])}>";
        }

        var lower = type.ToLowerInvariant();
        var m = TypeWithModifier().Match(lower);
        var baseName = m.Success ? m.Groups["base"].Value + m.Groups["rest"].Value : lower;
        var mods = m.Success ? m.Groups["mods"].Value.Split(',', StringSplitOptions.TrimEntries) : [];
        return baseName switch
        {
            "smallint" or "int2" or "smallserial" => "SMALLINT",
            "integer" or "int" or "int4" or "serial" => "INT",
            "bigint" or "int8" or "bigserial" => "BIGINT",
            "real" or "float4" => "FLOAT",
            "double precision" or "float8" => "DOUBLE",
            "numeric" or "decimal" when mods.Length == 2 => $"DECIMAL({mods[0]}, {mods[1]})",
            "numeric" or "decimal" when mods.Length == 1 => $"DECIMAL({mods[0]}, 0)",
            "numeric" or "decimal" => "DECIMAL(38, 18)",
            "boolean" or "bool" => "BOOLEAN",
            "character varying" or "varchar" when mods.Length == 1 => $"VARCHAR({mods[0]})",
            "character" or "char" or "bpchar" when mods.Length == 1 => $"CHAR({mods[0]})",
            "character" or "bpchar" => "CHAR(1)",
            "date" => "DATE",
            "time without time zone" or "time" => mods.Length == 1 ? $"TIME({mods[0]})" : "TIME",
            "timestamp without time zone" or "timestamp" => mods.Length == 1 ? $"TIMESTAMP({mods[0]})" : "TIMESTAMP(6)",
            "timestamp with time zone" or "timestamptz" => mods.Length == 1 ? $"TIMESTAMP_LTZ({mods[0]})" : "TIMESTAMP_LTZ(6)",
            "bytea" => "BYTES",
            _ => "STRING",
        };
    }

    private static string Generate(TableSnapshot table, IEnumerable<(string Key, string Value)> options) => Generate(table, MapType, options);

    /// <summary>A Flink <c>CREATE TABLE</c> with the columns' types mapped by <paramref name="mapType"/> and the connector options.</summary>
    internal static string Generate(TableSnapshot table, Func<string, string> mapType, IEnumerable<(string Key, string Value)> options)
    {
        var sql = new StringBuilder("CREATE TABLE ").Append(Quote(table.Name)).Append(" (\n");
        var lines = table.Columns.OrderBy(c => c.Position)
            .Select(c => $"    {Quote(c.Name)} {mapType(c.DataType)}{(c.IsNullable ? string.Empty : " NOT NULL")}")
            .ToList();
        var key = table.PrimaryKey?.Columns ?? table.UniqueConstraints.FirstOrDefault(u =>
            u.Columns.All(col => table.Columns.Any(c => c.Name == col && !c.IsNullable)))?.Columns;
        if (key is { Count: > 0 })
        {
            lines.Add($"    PRIMARY KEY ({string.Join(", ", key.Select(Quote))}) NOT ENFORCED");
        }

        sql.Append(string.Join(",\n", lines)).Append("\n) WITH (\n");
        sql.Append(string.Join(",\n", options.Select(o => $"    '{Escape(o.Key)}' = '{Escape(o.Value)}'")));
        return sql.Append("\n);\n").ToString();
    }

    private static string Escape(string text) => text.Replace("'", "''", StringComparison.Ordinal);

    /// <summary>A replication slot name: lower-case letters, digits and underscores, at most 63 characters.</summary>
    private static string SlotName(TableSnapshot table)
    {
        var raw = NotSlotChar().Replace($"flink_{table.Schema}_{table.Name}".ToLowerInvariant(), "_");
        return raw.Length <= 63 ? raw : raw[..63];
    }

    [GeneratedRegex(@"^(?<base>[a-z ]+?)\s*\((?<mods>[0-9, ]+)\)(?<rest>.*)$")]
    private static partial Regex TypeWithModifier();

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex NotSlotChar();
}
