namespace AllData.Domain.Studio;

/// <summary>The SQL dialect a script is written in; it decides quoting, comments and statement boundaries.</summary>
public enum SqlDialect
{
    /// <summary>PostgreSQL: E'' strings, nested block comments, dollar-quoted bodies, BEGIN ATOMIC function bodies.</summary>
    PostgreSql,

    /// <summary>Flink SQL: backtick identifiers, flat block comments, BEGIN STATEMENT SET; … END;.</summary>
    FlinkSql,

    /// <summary>MySQL and MariaDB: backtick identifiers, backslash escapes in '' and "" strings, <c>#</c> and <c>-- </c> comments,
    /// <c>/*! … */</c> executable comments, and the client's <c>DELIMITER</c> command for routine bodies.</summary>
    MySql,
}

/// <summary>What a statement does, judged from its leading keywords.</summary>
public enum SqlStatementKind
{
    /// <summary>SELECT, WITH … SELECT, VALUES, TABLE, SHOW, DESCRIBE, EXPLAIN: returns rows.</summary>
    Query,

    /// <summary>INSERT, UPDATE, DELETE, MERGE, COPY, UPSERT, REPLACE (and WITH … INSERT/UPDATE/DELETE/MERGE).</summary>
    Dml,

    /// <summary>CREATE, ALTER, DROP, TRUNCATE, COMMENT, RENAME, GRANT, REVOKE.</summary>
    Ddl,

    /// <summary>SET, RESET: session configuration.</summary>
    Set,

    /// <summary>Flink's BEGIN STATEMENT SET; … END; or EXECUTE STATEMENT SET BEGIN … END;.</summary>
    StatementSet,

    /// <summary>PostgreSQL transaction control: BEGIN, START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT, …</summary>
    Transaction,

    /// <summary>Anything else (DO, CALL, USE, ANALYZE, VACUUM, …).</summary>
    Other,
}

/// <summary>A place in a script: 1-based line and 1-based column (columns count UTF-16 code units, as Monaco does).</summary>
public readonly record struct SqlPosition(int Line, int Column)
{
    public override string ToString() => $"line {Line}, column {Column}";
}

/// <summary>Why a script could not be read.</summary>
public enum SqlScriptErrorKind
{
    UnterminatedString,
    UnterminatedQuotedIdentifier,
    UnterminatedComment,
    UnterminatedDollarQuote,
    UndefinedVariable,
}

/// <summary>
/// A script cannot be split or prepared: an unterminated literal or comment, or an undefined variable.
/// <see cref="Offset"/> and <see cref="Position"/> point into the script's original text.
/// </summary>
public sealed class SqlScriptException(SqlScriptErrorKind kind, string message, int offset, SqlPosition position, string? variableName = null)
    : Exception($"{message} ({position})")
{
    public SqlScriptErrorKind Kind { get; } = kind;

    /// <summary>The message without the position suffix, for an editor marker.</summary>
    public string Reason { get; } = message;

    /// <summary>0-based character offset in the script.</summary>
    public int Offset { get; } = offset;

    public SqlPosition Position { get; } = position;

    /// <summary>For <see cref="SqlScriptErrorKind.UndefinedVariable"/>: the variable's name.</summary>
    public string? VariableName { get; } = variableName;
}

/// <summary>A <c>${name}</c> reference in a script, outside comments.</summary>
public sealed record SqlVariableReference(string Name, int StartOffset, int EndOffset, SqlPosition Position);
