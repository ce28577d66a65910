using AllData.Domain.Studio;

namespace AllData.Web.Components.Shared.SqlEditor;

/// <summary>
/// What Ctrl+Enter asks to run: the full text, the caret and the selection as 0-based UTF-16 offsets into <see cref="Text"/>
/// (the same units as .NET string indices). An empty selection has <see cref="SelectionStart"/> == <see cref="SelectionEnd"/>.
/// </summary>
public sealed record RunRequest(string Text, int CursorOffset, int SelectionStart, int SelectionEnd)
{
    public bool HasSelection => SelectionEnd > SelectionStart;
}

/// <summary>An error an engine reported, shown as a marker: 1-based line and column; the end defaults to the line's end.</summary>
public sealed record EditorMarker(int Line, int Column, string Message, int? EndLine = null, int? EndColumn = null);

/// <summary>Monaco language ids of the dialects (registered by dist/alldata-sql.js).</summary>
public static class SqlDialectLanguage
{
    public static string ToMonacoLanguage(this SqlDialect dialect) => dialect switch
    {
        SqlDialect.FlinkSql => "flinksql",
        SqlDialect.PostgreSql => "pgsql",
        SqlDialect.MySql => "mysql",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, null),
    };

    public static string MonacoTheme(bool dark) => dark ? "vs-dark" : "vs";
}
