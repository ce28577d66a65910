using System.Globalization;
using System.Text;

namespace AllData.Infrastructure.Studio;

/// <summary>RFC 4180 CSV onto a stream: comma separated, CRLF rows, a field with a comma, quote, CR or LF quoted.</summary>
internal sealed class CsvWriter(Stream output) : IAsyncDisposable
{
    private readonly StreamWriter _writer = new(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024, leaveOpen: true);
    private readonly StringBuilder _row = new();
    private bool _firstField = true;

    /// <summary>A value: NULL is an empty field, an empty string a quoted empty field, so the two stay apart.</summary>
    public void WriteValue(object? value, string? typeName)
    {
        if (value is null)
        {
            WriteRaw(string.Empty);
            return;
        }

        var text = SqlValueFormatter.Format(value, typeName);
        if (text.Length == 0)
        {
            WriteRaw("\"\"");
            return;
        }

        WriteField(text);
    }

    public void WriteField(string text)
    {
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            WriteRaw(text);
            return;
        }

        WriteRaw("\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
    }

    public async Task EndRowAsync(CancellationToken token)
    {
        _row.Append("\r\n");
        _firstField = true;
        await _writer.WriteAsync(_row, token);
        _row.Clear();
    }

    public Task FlushAsync(CancellationToken token) => _writer.FlushAsync(token);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private void WriteRaw(string text)
    {
        if (!_firstField)
        {
            _row.Append(',');
        }

        _row.Append(text);
        _firstField = false;
    }
}

/// <summary>Text of a database value for CSV and copy: invariant culture, ISO 8601 times, PostgreSQL-style bytea and arrays.</summary>
public static class SqlValueFormatter
{
    /// <param name="typeName">The PostgreSQL type name, where the .NET type alone is ambiguous (a <c>date</c> read as DateTime).</param>
    public static string Format(object? value, string? typeName = null) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        DateTime dt when typeName == "date" => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.')
            + (dt.Kind == DateTimeKind.Utc ? "+00" : string.Empty),
        DateTimeOffset dto => dto.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture).Replace(".+", "+", StringComparison.Ordinal).Replace(".-", "-", StringComparison.Ordinal),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        byte[] bytes => "\\x" + Convert.ToHexStringLower(bytes),
        Array array => "{" + string.Join(",", array.Cast<object?>().Select(v => v is null ? "NULL" : Format(v))) + "}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
