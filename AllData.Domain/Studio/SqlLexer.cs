namespace AllData.Domain.Studio;

internal enum SqlTokenKind
{
    Word,
    QuotedIdentifier,
    String,
    DollarString,
    LineComment,
    BlockComment,

    /// <summary>A <c>/*+ … */</c> optimizer hint: a comment to the lexer, but part of the statement.</summary>
    Hint,

    /// <summary>A statement end: <c>;</c>, or the delimiter a MySQL <c>DELIMITER</c> command set.</summary>
    Semicolon,

    /// <summary>A MySQL client <c>DELIMITER x</c> line: ends the statement before it and is not sent to the server.</summary>
    Delimiter,
    OpenParen,
    CloseParen,
    Other,
}

/// <param name="BodyStart">For dollar-quoted strings, where the body starts (after the opening tag).</param>
/// <param name="BodyEnd">For dollar-quoted strings, where the body ends (before the closing tag).</param>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int End, int BodyStart = 0, int BodyEnd = 0)
{
    public bool IsComment => Kind is SqlTokenKind.LineComment or SqlTokenKind.BlockComment;
}

/// <summary>Cuts a script into tokens, just finely enough to find statement boundaries, comments and variables.</summary>
internal static class SqlLexer
{
    public static List<SqlToken> Tokenize(string text, SqlDialect dialect, SqlLineIndex lines)
    {
        var tokens = new List<SqlToken>();
        var pg = dialect == SqlDialect.PostgreSql;
        var mysql = dialect == SqlDialect.MySql;
        var delimiter = ";";
        var lineStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (char.IsWhiteSpace(c))
            {
                lineStart |= c is '\n' or '\r';
                i++;
                continue;
            }

            var atLineStart = lineStart;
            lineStart = false;
            if (mysql && atLineStart && DelimiterCommand(text, i) is { } command)
            {
                tokens.Add(new SqlToken(SqlTokenKind.Delimiter, i, command.End));
                delimiter = command.Delimiter;
                i = command.End;
            }
            else if (mysql && delimiter != ";" && text.AsSpan(i).StartsWith(delimiter, StringComparison.Ordinal))
            {
                tokens.Add(new SqlToken(SqlTokenKind.Semicolon, i, i + delimiter.Length));
                i += delimiter.Length;
            }
            else if ((c == '-' && next == '-' && (!mysql || i + 2 >= text.Length || char.IsWhiteSpace(text[i + 2]) || char.IsControl(text[i + 2])))
                     || (mysql && c == '#'))
            {
                var end = text.IndexOfAny(['\n', '\r'], i);
                end = end < 0 ? text.Length : end;
                tokens.Add(new SqlToken(SqlTokenKind.LineComment, i, end));
                i = end;
            }
            else if (c == '/' && next == '*')
            {
                var end = BlockCommentEnd(text, i, nested: pg, lines);
                var third = i + 2 < text.Length ? text[i + 2] : '\0';
                var hint = third == '+' || (mysql && (third == '!' || (third == 'M' && i + 3 < text.Length && text[i + 3] == '!')));
                tokens.Add(new SqlToken(hint ? SqlTokenKind.Hint : SqlTokenKind.BlockComment, i, end));
                i = end;
            }
            else if (c == '\'' || (mysql && c == '"'))
            {
                var end = QuotedEnd(text, i, c, backslashEscapes: mysql)
                    ?? throw Unterminated(SqlScriptErrorKind.UnterminatedString, "The string starting here has no closing quote.", i, lines);
                tokens.Add(new SqlToken(SqlTokenKind.String, i, end));
                i = end;
            }
            else if (pg && (c is 'E' or 'e') && next == '\'')
            {
                var end = QuotedEnd(text, i + 1, '\'', backslashEscapes: true)
                    ?? throw Unterminated(SqlScriptErrorKind.UnterminatedString, "The E'' string starting here has no closing quote.", i, lines);
                tokens.Add(new SqlToken(SqlTokenKind.String, i, end));
                i = end;
            }
            else if (c == '"' || (!pg && c == '`'))
            {
                var end = QuotedEnd(text, i, c, backslashEscapes: false)
                    ?? throw Unterminated(SqlScriptErrorKind.UnterminatedQuotedIdentifier,
                        $"The quoted identifier starting here has no closing {c}.", i, lines);
                tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, i, end));
                i = end;
            }
            else if (pg && c == '$' && DollarTagLength(text, i) is var tagLength and > 0)
            {
                var tag = text.AsSpan(i, tagLength);
                var bodyStart = i + tagLength;
                var close = text.AsSpan(bodyStart).IndexOf(tag, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw Unterminated(SqlScriptErrorKind.UnterminatedDollarQuote,
                        $"The body quoted with {tag} starting here has no closing {tag}.", i, lines);
                }

                var bodyEnd = bodyStart + close;
                var end = bodyEnd + tagLength;
                tokens.Add(new SqlToken(SqlTokenKind.DollarString, i, end, bodyStart, bodyEnd));
                i = end;
            }
            else if (IsWordStart(c))
            {
                var end = i + 1;
                while (end < text.Length && IsWordPart(text[end])
                       && !(mysql && delimiter != ";" && text.AsSpan(end).StartsWith(delimiter, StringComparison.Ordinal)))
                {
                    end++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, i, end));
                i = end;
            }
            else
            {
                var kind = c switch
                {
                    ';' when delimiter == ";" => SqlTokenKind.Semicolon,
                    '(' => SqlTokenKind.OpenParen,
                    ')' => SqlTokenKind.CloseParen,
                    _ => SqlTokenKind.Other,
                };
                tokens.Add(new SqlToken(kind, i, i + 1));
                i++;
            }
        }

        return tokens;
    }

    /// <summary>
    /// A MySQL client <c>DELIMITER x</c> command at <paramref name="start"/> (the start of a line): the new delimiter is the
    /// text up to the next white space, and the command ends with its line (as the mysql client reads it).
    /// </summary>
    private static (string Delimiter, int End)? DelimiterCommand(string text, int start)
    {
        const string word = "DELIMITER";
        if (start + word.Length >= text.Length
            || !text.AsSpan(start, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase)
            || text[start + word.Length] is not (' ' or '\t'))
        {
            return null;
        }

        var i = start + word.Length;
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        var valueStart = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        if (i == valueStart)
        {
            return null;
        }

        var delimiter = text[valueStart..i];
        var lineEnd = text.IndexOfAny(['\n', '\r'], i);
        return (delimiter, lineEnd < 0 ? text.Length : lineEnd);
    }

    public static bool IsWordStart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || (c > 127 && char.IsLetterOrDigit(c));

    private static bool IsWordPart(char c) => IsWordStart(c) || c == '$';

    private static bool IsTagStart(char c) => char.IsAsciiLetter(c) || c == '_' || (c > 127 && char.IsLetter(c));

    private static bool IsTagPart(char c) => IsTagStart(c) || char.IsAsciiDigit(c);

    /// <summary>Length of a dollar-quote tag (<c>$$</c>, <c>$fn$</c>) starting at <paramref name="start"/>, or 0.</summary>
    private static int DollarTagLength(string text, int start)
    {
        var i = start + 1;
        if (i < text.Length && text[i] == '$')
        {
            return 2;
        }

        if (i >= text.Length || !IsTagStart(text[i]))
        {
            return 0;
        }

        while (i < text.Length && IsTagPart(text[i]))
        {
            i++;
        }

        return i < text.Length && text[i] == '$' ? i + 1 - start : 0;
    }

    /// <summary>End (exclusive) of a literal opened by <paramref name="quote"/> at <paramref name="start"/>; a doubled quote stands for itself.</summary>
    private static int? QuotedEnd(string text, int start, char quote, bool backslashEscapes)
    {
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (backslashEscapes && c == '\\')
            {
                i += 2;
            }
            else if (c == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    i += 2;
                }
                else
                {
                    return i + 1;
                }
            }
            else
            {
                i++;
            }
        }

        return null;
    }

    private static int BlockCommentEnd(string text, int start, bool nested, SqlLineIndex lines)
    {
        var depth = 1;
        var i = start + 2;
        while (i < text.Length - 1)
        {
            if (text[i] == '*' && text[i + 1] == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else if (nested && text[i] == '/' && text[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else
            {
                i++;
            }
        }

        throw Unterminated(SqlScriptErrorKind.UnterminatedComment, "The comment starting here has no closing */.", start, lines);
    }

    private static SqlScriptException Unterminated(SqlScriptErrorKind kind, string message, int offset, SqlLineIndex lines) =>
        new(kind, message, offset, lines.PositionAt(offset));
}
