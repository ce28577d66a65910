using System.Text;

namespace AllData.Domain.Catalog;

/// <summary>MySQL/MariaDB DDL of a catalog table, identifiers quoted with backticks as MySqlConnector quotes them.</summary>
public static class MySqlDdl
{
    /// <summary>Quotes an identifier with backticks, a backtick inside doubled (MySqlCommandBuilder.QuoteIdentifier's rule).</summary>
    public static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    public static string Qualified(string schema, string name) => Quote(schema) + "." + Quote(name);

    /// <summary>A string literal for the default SQL mode: quote and backslash escaped.</summary>
    public static string Literal(string text) =>
        "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Generate(TableSnapshot table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var name = Qualified(table.Schema, table.Name);
        var sql = new StringBuilder();
        if (table.Kind == TableKind.View)
        {
            sql.Append("CREATE VIEW ").Append(name).Append(" AS\n").Append((table.Definition ?? string.Empty).Trim().TrimEnd(';')).Append(";\n");
            return sql.ToString();
        }

        sql.Append("CREATE TABLE ").Append(name).Append(" (\n");
        var lines = new List<string>();
        foreach (var c in table.Columns.OrderBy(c => c.Position))
        {
            var line = new StringBuilder("    ").Append(Quote(c.Name)).Append(' ').Append(c.DataType);
            if (c.Generation is ColumnGeneration.Stored or ColumnGeneration.Virtual)
            {
                line.Append(" GENERATED ALWAYS AS (").Append(c.Default).Append(c.Generation == ColumnGeneration.Stored ? ") STORED" : ") VIRTUAL");
            }

            if (!c.IsNullable)
            {
                line.Append(" NOT NULL");
            }

            if (c.Generation is ColumnGeneration.IdentityAlways or ColumnGeneration.IdentityByDefault)
            {
                line.Append(" AUTO_INCREMENT");
            }
            else if (c.Default is not null && c.Generation == ColumnGeneration.None)
            {
                line.Append(" DEFAULT ").Append(c.Default);
            }

            if (c.Comment is not null)
            {
                line.Append(" COMMENT ").Append(Literal(c.Comment));
            }

            lines.Add(line.ToString());
        }

        if (table.PrimaryKey is { } pk)
        {
            lines.Add($"    PRIMARY KEY ({Columns(pk.Columns)})");
        }

        lines.AddRange(table.UniqueConstraints.Select(u => $"    UNIQUE KEY {Quote(u.Name)} ({Columns(u.Columns)})"));
        lines.AddRange(table.ForeignKeys.Select(fk =>
            $"    CONSTRAINT {Quote(fk.Name)} FOREIGN KEY ({Columns(fk.Columns)}) REFERENCES "
            + $"{Qualified(fk.ReferencedSchema, fk.ReferencedTable)} ({Columns(fk.ReferencedColumns)})"
            + (fk.OnUpdate is "NO ACTION" or "RESTRICT" ? string.Empty : " ON UPDATE " + fk.OnUpdate)
            + (fk.OnDelete is "NO ACTION" or "RESTRICT" ? string.Empty : " ON DELETE " + fk.OnDelete)));
        sql.Append(string.Join(",\n", lines)).Append("\n)");
        if (table.Comment is not null)
        {
            sql.Append(" COMMENT=").Append(Literal(table.Comment));
        }

        sql.Append(";\n");
        var free = table.Indexes.Where(i => !i.BacksConstraint).ToList();
        if (free.Count > 0)
        {
            sql.Append('\n');
            foreach (var index in free)
            {
                sql.Append(index.Definition).Append(";\n");
            }
        }

        return sql.ToString();
    }

    private static string Columns(IEnumerable<string> columns) => string.Join(", ", columns.Select(Quote));
}
