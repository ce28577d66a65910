namespace AllData.Domain.Studio;

/// <summary>
/// One statement of a <see cref="SqlScript"/>: the text to send to the engine and where it stands in the script.
/// Offsets and positions always refer to the script's original text, also after variables were substituted,
/// so an engine's error position can be mapped back to the editor.
/// </summary>
public sealed class SqlStatement
{
    private readonly SqlLineIndex _scriptLines;
    private readonly OffsetPiece[] _map;
    private SqlLineIndex? _textLines;

    internal SqlStatement(int index, SqlStatementKind kind, string text, int startOffset, int endOffset, SqlLineIndex scriptLines, OffsetPiece[] map)
    {
        Index = index;
        Kind = kind;
        Text = text;
        StartOffset = startOffset;
        EndOffset = endOffset;
        _scriptLines = scriptLines;
        _map = map;
        Start = scriptLines.PositionAt(startOffset);
        End = scriptLines.PositionAt(endOffset);
    }

    /// <summary>0-based index among the script's statements.</summary>
    public int Index { get; }

    public SqlStatementKind Kind { get; }

    /// <summary>The text to execute: without the terminating <c>;</c>, leading or trailing comments, and with variables substituted.</summary>
    public string Text { get; }

    /// <summary>0-based offset of the statement's first character in the script.</summary>
    public int StartOffset { get; }

    /// <summary>0-based offset just after the statement's last character in the script (exclusive).</summary>
    public int EndOffset { get; }

    /// <summary>Line and column of the first character.</summary>
    public SqlPosition Start { get; }

    /// <summary>Line and column just after the last character (exclusive, as a Monaco range's end).</summary>
    public SqlPosition End { get; }

    /// <summary>Whether this statement's text was changed by variable substitution.</summary>
    public bool IsSubstituted => _map.Any(p => p.Substituted);

    public bool Contains(int scriptOffset) => scriptOffset >= StartOffset && scriptOffset <= EndOffset;

    /// <summary>The script offset of a 0-based offset in <see cref="Text"/>; inside a substituted value, the variable's <c>$</c>.</summary>
    public int ScriptOffsetOf(int textOffset)
    {
        textOffset = Math.Clamp(textOffset, 0, Text.Length);
        foreach (var piece in _map)
        {
            if (textOffset < piece.TextStart + piece.TextLength)
            {
                return piece.Substituted ? piece.ScriptStart : piece.ScriptStart + (textOffset - piece.TextStart);
            }
        }

        return EndOffset;
    }

    /// <summary>The script position of a 0-based offset in <see cref="Text"/>.</summary>
    public SqlPosition ScriptPositionOf(int textOffset) => _scriptLines.PositionAt(ScriptOffsetOf(textOffset));

    /// <summary>
    /// The script position of PostgreSQL's error position (<c>PostgresException.Position</c>): a 1-based index
    /// of characters (code points, not UTF-16 units) into the statement text sent.
    /// </summary>
    public SqlPosition ScriptPositionOfPostgresError(int position)
    {
        var offset = 0;
        for (var characters = 1; characters < position && offset < Text.Length; characters++)
        {
            offset += char.IsHighSurrogate(Text[offset]) && offset + 1 < Text.Length && char.IsLowSurrogate(Text[offset + 1]) ? 2 : 1;
        }

        return ScriptPositionOf(offset);
    }

    /// <summary>The script position of a 1-based line and column inside <see cref="Text"/> (as Flink reports them).</summary>
    public SqlPosition ScriptPositionOfLineColumn(int line, int column)
    {
        _textLines ??= new SqlLineIndex(Text);
        return ScriptPositionOf(_textLines.OffsetOf(line, column));
    }

    public override string ToString() => $"#{Index + 1} {Kind} at {Start}: {Text}";
}

/// <summary>A run of <see cref="SqlStatement.Text"/> and where it came from in the script.</summary>
/// <param name="Substituted">The run is a variable's value: all of it maps to the variable reference's start.</param>
internal readonly record struct OffsetPiece(int TextStart, int TextLength, int ScriptStart, bool Substituted);
