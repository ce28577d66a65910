using System.Text;

namespace AllData.Domain.Studio;

/// <summary>
/// A SQL script split into statements with their positions, for PostgreSQL, Flink SQL or MySQL/MariaDB.
/// </summary>
/// <remarks>
/// <para>Splitting honours single-quoted strings (doubled quotes), PostgreSQL E'' strings (backslash escapes),
/// double-quoted identifiers, Flink backtick identifiers, <c>--</c> and <c>/* */</c> comments (nested in PostgreSQL),
/// PostgreSQL dollar-quoted bodies (<c>$$ … $$</c>, <c>$fn$ … $fn$</c>) and <c>BEGIN ATOMIC … END</c> routine bodies,
/// and Flink's <c>BEGIN STATEMENT SET; … END;</c> and <c>EXECUTE STATEMENT SET BEGIN … END;</c>, each kept as one statement.
/// A statement excludes its terminating <c>;</c> and leading/trailing comments; empty and comment-only statements are dropped.
/// <c>/*+ … */</c> optimizer hints count as part of a statement.</para>
/// <para>MySQL: backtick identifiers; <c>'…'</c> and <c>"…"</c> are strings with backslash escapes (the default SQL mode,
/// without ANSI_QUOTES or NO_BACKSLASH_ESCAPES); <c>#</c> and <c>-- </c> (dash dash space) comments; <c>/*! … */</c>
/// executable comments kept in the statement; a <c>DELIMITER x</c> line (as the mysql client reads it) ends the statement
/// before it and makes <c>x</c> the statement end until the next <c>DELIMITER</c>, so <c>CREATE PROCEDURE … BEGIN … END</c>
/// bodies with inner <c>;</c> stay whole. The <c>DELIMITER</c> lines themselves are not statements.</para>
/// <para>Variables: <c>${name}</c> (name: a letter or <c>_</c>, then letters, digits, <c>_</c> or <c>.</c>) is substituted
/// everywhere except inside comments — also inside string literals, quoted identifiers and dollar-quoted bodies,
/// as Dinky does. There is no escape syntax: text that must keep a literal <c>${name}</c> cannot be written outside a
/// comment. Values are inserted verbatim (no quoting, no recursive substitution) and never split a statement, since
/// the script is split before substitution.</para>
/// </remarks>
public sealed class SqlScript
{
    private readonly SqlLineIndex _lines;

    private SqlScript(string text, SqlDialect dialect, SqlLineIndex lines, IReadOnlyList<SqlStatement> statements, IReadOnlyList<SqlVariableReference> variables)
    {
        Text = text;
        Dialect = dialect;
        _lines = lines;
        Statements = statements;
        Variables = variables;
    }

    public string Text { get; }

    public SqlDialect Dialect { get; }

    /// <summary>The statements in order, with their original text (variables not substituted).</summary>
    public IReadOnlyList<SqlStatement> Statements { get; }

    /// <summary>Every <c>${name}</c> reference outside comments, in order.</summary>
    public IReadOnlyList<SqlVariableReference> Variables { get; }

    public int LineCount => _lines.LineCount;

    /// <summary>Splits <paramref name="text"/> into statements.</summary>
    /// <exception cref="SqlScriptException">A string, quoted identifier, comment or dollar-quoted body is not terminated.</exception>
    public static SqlScript Parse(string text, SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new SqlLineIndex(text);
        var tokens = SqlLexer.Tokenize(text, dialect, lines);
        var statements = Split(text, dialect, tokens, lines);
        var variables = FindVariables(text, tokens, lines);
        return new SqlScript(text, dialect, lines, statements, variables);
    }

    public SqlPosition PositionAt(int offset) => _lines.PositionAt(offset);

    /// <summary>The offset of a 1-based line and column, clamped into the script.</summary>
    public int OffsetOf(SqlPosition position) => _lines.OffsetOf(position.Line, position.Column);

    /// <summary>The statement under a cursor offset (a cursor right after a statement's end still belongs to it), or null.</summary>
    public SqlStatement? StatementAt(int offset) => Statements.FirstOrDefault(s => s.Contains(offset));

    /// <summary>The statements that overlap the selection [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public IReadOnlyList<SqlStatement> StatementsIn(int start, int end) =>
        [.. Statements.Where(s => s.StartOffset < end && s.EndOffset > start)];

    /// <summary>The statements with every <c>${name}</c> replaced by its value; positions still refer to <see cref="Text"/>.</summary>
    /// <param name="variables">Values by name; its comparer decides whether names are case-sensitive.</param>
    /// <exception cref="SqlScriptException">The first reference (in script order) to a variable that has no value.</exception>
    public IReadOnlyList<SqlStatement> Substitute(IReadOnlyDictionary<string, string> variables) => Substitute(Statements, variables);

    /// <summary>Like <see cref="Substitute(IReadOnlyDictionary{string, string})"/>, for some of the statements (run at cursor, selection).</summary>
    public IReadOnlyList<SqlStatement> Substitute(IEnumerable<SqlStatement> statements, IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(variables);
        List<SqlStatement> result = [];
        foreach (var statement in statements)
        {
            var references = Variables.Where(v => v.StartOffset >= statement.StartOffset && v.EndOffset <= statement.EndOffset).ToList();
            if (references.Count == 0)
            {
                result.Add(statement);
                continue;
            }

            var text = new StringBuilder(statement.Text.Length);
            List<OffsetPiece> map = [];
            var scriptCursor = statement.StartOffset;
            foreach (var reference in references)
            {
                if (!variables.TryGetValue(reference.Name, out var value))
                {
                    throw new SqlScriptException(SqlScriptErrorKind.UndefinedVariable,
                        $"The variable ${{{reference.Name}}} is not defined.", reference.StartOffset, reference.Position, reference.Name);
                }

                AddPiece(Text, text, map, scriptCursor, reference.StartOffset - scriptCursor);
                map.Add(new OffsetPiece(text.Length, value.Length, reference.StartOffset, Substituted: true));
                text.Append(value);
                scriptCursor = reference.EndOffset;
            }

            AddPiece(Text, text, map, scriptCursor, statement.EndOffset - scriptCursor);
            result.Add(new SqlStatement(statement.Index, statement.Kind, text.ToString(), statement.StartOffset, statement.EndOffset, _lines, [.. map]));
        }

        return result;
    }

    private static void AddPiece(string script, StringBuilder text, List<OffsetPiece> map, int scriptStart, int length)
    {
        if (length <= 0)
        {
            return;
        }

        map.Add(new OffsetPiece(text.Length, length, scriptStart, Substituted: false));
        text.Append(script, scriptStart, length);
    }

    private static List<SqlStatement> Split(string text, SqlDialect dialect, List<SqlToken> tokens, SqlLineIndex lines)
    {
        List<SqlStatement> statements = [];
        List<string> statementWords = [];
        string? segmentFirstWord = null;
        var statementFirst = 0;
        var inStatementSet = false;
        var beginDepth = 0;

        void Emit(int endToken)
        {
            var first = statementFirst;
            while (first < endToken && tokens[first].IsComment)
            {
                first++;
            }

            var last = endToken - 1;
            while (last >= first && tokens[last].IsComment)
            {
                last--;
            }

            if (first <= last)
            {
                var start = tokens[first].Start;
                var end = tokens[last].End;
                var kind = Classify(text, dialect, tokens, first, last + 1);
                statements.Add(new SqlStatement(statements.Count, kind, text[start..end], start, end, lines,
                    [new OffsetPiece(0, end - start, start, Substituted: false)]));
            }

            statementFirst = endToken + 1;
            statementWords.Clear();
            segmentFirstWord = null;
            inStatementSet = false;
            beginDepth = 0;
        }

        for (var k = 0; k < tokens.Count; k++)
        {
            var token = tokens[k];
            if (token.Kind == SqlTokenKind.Word)
            {
                var word = text[token.Start..token.End].ToUpperInvariant();
                if (statementWords.Count < 4)
                {
                    statementWords.Add(word);
                }

                segmentFirstWord ??= word;
                if (dialect == SqlDialect.PostgreSql && IsRoutineDefinition(statementWords))
                {
                    if (word is "BEGIN" or "CASE")
                    {
                        beginDepth++;
                    }
                    else if (word == "END" && beginDepth > 0)
                    {
                        beginDepth--;
                    }
                }
            }
            else if (token.Kind == SqlTokenKind.Delimiter)
            {
                Emit(k);
            }
            else if (token.Kind == SqlTokenKind.Semicolon)
            {
                if (dialect == SqlDialect.FlinkSql && !inStatementSet && OpensStatementSet(statementWords))
                {
                    inStatementSet = true;
                    segmentFirstWord = null;
                }
                else if (inStatementSet && segmentFirstWord != "END")
                {
                    segmentFirstWord = null;
                }
                else if (beginDepth > 0)
                {
                    segmentFirstWord = null;
                }
                else
                {
                    Emit(k);
                }
            }
        }

        Emit(tokens.Count);
        return statements;
    }

    private static bool OpensStatementSet(List<string> words) =>
        words is ["BEGIN", "STATEMENT", "SET", ..] or ["EXECUTE", "STATEMENT", "SET", "BEGIN", ..];

    /// <summary>CREATE [OR REPLACE] FUNCTION|PROCEDURE: may have a BEGIN ATOMIC … END body (psql's rule).</summary>
    private static bool IsRoutineDefinition(List<string> words) =>
        words is ["CREATE", "FUNCTION" or "PROCEDURE", ..] or ["CREATE", "OR", "REPLACE", "FUNCTION" or "PROCEDURE", ..];

    private static SqlStatementKind Classify(string text, SqlDialect dialect, List<SqlToken> tokens, int first, int end)
    {
        if (tokens[first].Kind == SqlTokenKind.OpenParen)
        {
            return SqlStatementKind.Query;
        }

        List<string> words = [];
        for (var k = first; k < end && words.Count < 4; k++)
        {
            if (tokens[k].Kind == SqlTokenKind.Word)
            {
                words.Add(text[tokens[k].Start..tokens[k].End].ToUpperInvariant());
            }
            else if (!tokens[k].IsComment && tokens[k].Kind != SqlTokenKind.Hint)
            {
                break;
            }
        }

        var flink = dialect == SqlDialect.FlinkSql;
        var mysql = dialect == SqlDialect.MySql;
        return words switch
        {
            ["WITH", ..] => ClassifyWith(text, tokens, first, end),
            ["SELECT" or "VALUES" or "TABLE" or "SHOW" or "DESCRIBE" or "DESC" or "EXPLAIN", ..] => SqlStatementKind.Query,
            ["INSERT" or "UPDATE" or "DELETE" or "MERGE" or "COPY" or "UPSERT", ..] => SqlStatementKind.Dml,
            ["CREATE" or "ALTER" or "DROP" or "TRUNCATE" or "COMMENT" or "RENAME" or "GRANT" or "REVOKE", ..] => SqlStatementKind.Ddl,
            ["SET" or "RESET", ..] => SqlStatementKind.Set,
            ["BEGIN", "STATEMENT", "SET", ..] or ["EXECUTE", "STATEMENT", "SET", ..] when flink => SqlStatementKind.StatementSet,
            ["EXECUTE", "INSERT", ..] when flink => SqlStatementKind.Dml,
            ["REPLACE", ..] or ["LOAD", "DATA" or "XML", ..] when mysql => SqlStatementKind.Dml,
            ["BEGIN" or "START" or "COMMIT" or "ROLLBACK" or "END" or "ABORT" or "SAVEPOINT" or "RELEASE", ..] when !flink
                => SqlStatementKind.Transaction,
            ["PREPARE", "TRANSACTION", ..] when !flink && !mysql => SqlStatementKind.Transaction,
            ["XA", ..] when mysql => SqlStatementKind.Transaction,
            _ => SqlStatementKind.Other,
        };
    }

    /// <summary>WITH …: the first main verb outside the common table expressions' parentheses decides.</summary>
    private static SqlStatementKind ClassifyWith(string text, List<SqlToken> tokens, int first, int end)
    {
        var depth = 0;
        for (var k = first + 1; k < end; k++)
        {
            switch (tokens[k].Kind)
            {
                case SqlTokenKind.OpenParen:
                    depth++;
                    break;
                case SqlTokenKind.CloseParen:
                    depth = Math.Max(0, depth - 1);
                    break;
                case SqlTokenKind.Word when depth == 0:
                    var word = text.AsSpan(tokens[k].Start, tokens[k].End - tokens[k].Start);
                    if (word.Equals("INSERT", StringComparison.OrdinalIgnoreCase) || word.Equals("UPDATE", StringComparison.OrdinalIgnoreCase)
                        || word.Equals("DELETE", StringComparison.OrdinalIgnoreCase) || word.Equals("MERGE", StringComparison.OrdinalIgnoreCase))
                    {
                        return SqlStatementKind.Dml;
                    }

                    if (word.Equals("SELECT", StringComparison.OrdinalIgnoreCase) || word.Equals("VALUES", StringComparison.OrdinalIgnoreCase)
                        || word.Equals("TABLE", StringComparison.OrdinalIgnoreCase))
                    {
                        return SqlStatementKind.Query;
                    }

                    break;
            }
        }

        return SqlStatementKind.Query;
    }

    private static List<SqlVariableReference> FindVariables(string text, List<SqlToken> tokens, SqlLineIndex lines)
    {
        List<SqlVariableReference> references = [];
        var at = text.IndexOf("${", StringComparison.Ordinal);
        while (at >= 0)
        {
            var nameStart = at + 2;
            var i = nameStart;
            if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }
            }

            if (i > nameStart && i < text.Length && text[i] == '}' && IsSubstitutable(tokens, at, i + 1))
            {
                references.Add(new SqlVariableReference(text[nameStart..i], at, i + 1, lines.PositionAt(at)));
                at = text.IndexOf("${", i + 1, StringComparison.Ordinal);
            }
            else
            {
                at = text.IndexOf("${", at + 1, StringComparison.Ordinal);
            }
        }

        return references;
    }

    /// <summary>
    /// A reference counts when it lies in plain code, or wholly inside one string, quoted identifier,
    /// dollar-quoted body or hint; never inside a comment or across a literal's edge.
    /// </summary>
    private static bool IsSubstitutable(List<SqlToken> tokens, int start, int end)
    {
        var lo = 0;
        var hi = tokens.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (tokens[mid].End <= start)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var k = lo; k < tokens.Count && tokens[k].Start < end; k++)
        {
            var token = tokens[k];
            var ok = token.Kind switch
            {
                SqlTokenKind.Word or SqlTokenKind.Other => true,
                SqlTokenKind.String or SqlTokenKind.QuotedIdentifier => start > token.Start && end < token.End,
                SqlTokenKind.DollarString => start >= token.BodyStart && end <= token.BodyEnd,
                SqlTokenKind.Hint => start >= token.Start + 3 && end <= token.End - 2,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
