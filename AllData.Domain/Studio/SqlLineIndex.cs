namespace AllData.Domain.Studio;

/// <summary>
/// Line starts of a text, to turn offsets into 1-based lines and columns and back.
/// A line ends at \r\n, \n or a lone \r, as in Monaco.
/// </summary>
internal sealed class SqlLineIndex
{
    private readonly int[] _starts;
    private readonly int _length;

    public SqlLineIndex(string text)
    {
        List<int> starts = [0];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                starts.Add(i + 1);
            }
            else if (c is '\n' or '\r')
            {
                starts.Add(i + 1);
            }
        }

        _starts = [.. starts];
        _length = text.Length;
    }

    public int LineCount => _starts.Length;

    public SqlPosition PositionAt(int offset)
    {
        offset = Math.Clamp(offset, 0, _length);
        var line = Array.BinarySearch(_starts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new SqlPosition(line + 1, offset - _starts[line] + 1);
    }

    /// <summary>The offset of a 1-based line and column, clamped into the text.</summary>
    public int OffsetOf(int line, int column)
    {
        line = Math.Clamp(line, 1, _starts.Length);
        var start = _starts[line - 1];
        var lineEnd = line < _starts.Length ? _starts[line] : _length;
        return Math.Clamp(start + Math.Max(column, 1) - 1, start, lineEnd);
    }
}
