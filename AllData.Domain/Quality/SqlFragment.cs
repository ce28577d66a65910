using AllData.Domain.Common;
using AllData.Domain.Studio;

namespace AllData.Domain.Quality;

/// <summary>
/// The first line of defence for SQL that users type into rules: a filter must be one boolean expression that
/// cannot close the parentheses it is put in, and a custom query one statement without comments. The database's
/// own parser then validates both (in a read-only transaction) before a rule is saved.
/// </summary>
public static class SqlFragment
{
    public const int MaxLength = 4000;

    /// <summary>The trimmed filter, or null for none; throws a <see cref="DomainException"/> saying what is wrong.</summary>
    public static string? ValidateFilter(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return null;
        }

        var text = filter.Trim();
        if (text.StartsWith("where ", StringComparison.OrdinalIgnoreCase))
        {
            text = text[6..].TrimStart();
        }

        Check(text, "filter");
        return text;
    }

    /// <summary>The trimmed query; throws when it is empty, several statements, or has comments.</summary>
    public static string ValidateQuery(string? sql)
    {
        var text = sql?.Trim().TrimEnd(';').TrimEnd() ?? string.Empty;
        if (text.Length == 0)
        {
            throw new DomainException("Write the query that returns the metric.");
        }

        Check(text, "query");
        var first = text.Split((char[])[' ', '\n', '\r', '\t', '('], 2, StringSplitOptions.RemoveEmptyEntries)[0];
        if (!first.Equals("select", StringComparison.OrdinalIgnoreCase) && !first.Equals("with", StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainException("A custom rule's query starts with SELECT or WITH.");
        }

        return text;
    }

    private static void Check(string text, string what)
    {
        if (text.Length > MaxLength)
        {
            throw new DomainException($"The {what} has at most {MaxLength} characters.");
        }

        List<SqlToken> tokens;
        try
        {
            tokens = SqlLexer.Tokenize(text, SqlDialect.PostgreSql, new SqlLineIndex(text));
        }
        catch (SqlScriptException e)
        {
            throw new DomainException($"The {what} is not complete: {e.Message}");
        }

        var depth = 0;
        foreach (var token in tokens)
        {
            switch (token.Kind)
            {
                case SqlTokenKind.Semicolon:
                    throw new DomainException($"The {what} is one expression: remove the ';'.");
                case SqlTokenKind.LineComment or SqlTokenKind.BlockComment or SqlTokenKind.Hint:
                    throw new DomainException($"Remove the comment from the {what}.");
                case SqlTokenKind.OpenParen:
                    depth++;
                    break;
                case SqlTokenKind.CloseParen when --depth < 0:
                    throw new DomainException($"The {what} closes a parenthesis it did not open.");
            }
        }

        if (depth != 0)
        {
            throw new DomainException($"The {what} leaves a parenthesis open.");
        }
    }
}
