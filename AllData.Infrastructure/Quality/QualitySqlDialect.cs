using System.Globalization;
using AllData.Domain.Catalog;
using Npgsql;

namespace AllData.Infrastructure.Quality;

/// <summary>A query for a source: text with the dialect's placeholders, and the values of its parameters in order.</summary>
public sealed record CompiledQuery(string Sql, IReadOnlyList<object> Parameters);

/// <summary>Collects constants as parameters; the dialect decides what a placeholder looks like.</summary>
public sealed class QueryParameters(Func<int, string> placeholder)
{
    private readonly List<object> _values = [];

    public IReadOnlyList<object> Values => _values;

    /// <summary>Adds a value and returns its placeholder.</summary>
    public string Add(object value)
    {
        _values.Add(value);
        return placeholder(_values.Count);
    }
}

/// <summary>
/// The SQL that differs between source kinds, for the scan compiler. PostgreSQL: <c>count(*) FILTER (WHERE …)</c>;
/// MySQL/MariaDB (<see cref="Sources.MySql.MySqlQualityDialect"/>) answer <c>SUM(CASE WHEN … THEN 1 ELSE 0 END)</c> and <c>?</c> placeholders.
/// </summary>
public interface IQualitySqlDialect
{
    DataSourceKind Kind { get; }

    /// <summary>Quotes an identifier by the driver's rules.</summary>
    string Quote(string identifier);

    QueryParameters CreateParameters();

    /// <summary>Counts rows meeting <paramref name="condition"/> (all rows when null).</summary>
    string CountWhere(string? condition);

    /// <summary>min/max/avg/sum of <paramref name="expression"/> over the rows meeting <paramref name="condition"/>.</summary>
    string Aggregate(string function, string expression, string? condition);

    /// <summary>A double precision value of the expression.</summary>
    string AsDouble(string expression);

    string AsText(string expression);

    string TextLength(string textExpression);

    /// <summary>Hours from <paramref name="timestampExpression"/> to the database's now.</summary>
    string HoursSince(string timestampExpression);

    /// <summary>True when the text does not match the regular expression (a parameter placeholder).</summary>
    string NotMatching(string textExpression, string patternPlaceholder);

    /// <summary>True when the text is none of the values (added as parameters).</summary>
    string NotInSet(string textExpression, IReadOnlyList<string> values, QueryParameters parameters);

    string Limit(int rows);
}

/// <summary>PostgreSQL: identifiers quoted by Npgsql's rules, positional <c>$n</c> parameters (Npgsql's raw mode).</summary>
public sealed class PostgresQualityDialect : IQualitySqlDialect
{
    public DataSourceKind Kind => DataSourceKind.PostgreSql;

    public string Quote(string identifier) => new NpgsqlCommandBuilder().QuoteIdentifier(identifier);

    public QueryParameters CreateParameters() => new(i => "$" + i.ToString(CultureInfo.InvariantCulture));

    public string CountWhere(string? condition) => condition is null ? "count(*)" : $"count(*) FILTER (WHERE {condition})";

    public string Aggregate(string function, string expression, string? condition) =>
        condition is null ? $"{function}({expression})" : $"{function}({expression}) FILTER (WHERE {condition})";

    public string AsDouble(string expression) => $"({expression})::double precision";

    public string AsText(string expression) => $"({expression})::text";

    public string TextLength(string textExpression) => $"char_length({textExpression})";

    public string HoursSince(string timestampExpression) =>
        $"(extract(epoch FROM (now() - ({timestampExpression})::timestamptz)) / 3600.0)::double precision";

    public string NotMatching(string textExpression, string patternPlaceholder) => $"{textExpression} !~ {patternPlaceholder}";

    public string NotInSet(string textExpression, IReadOnlyList<string> values, QueryParameters parameters) =>
        $"NOT ({textExpression} = ANY({parameters.Add(values.ToArray())}))";

    public string Limit(int rows) => " LIMIT " + rows.ToString(CultureInfo.InvariantCulture);
}
