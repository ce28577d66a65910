using System.Text;

namespace AllData.Domain.Studio;

/// <summary>A line-by-line difference of two texts (longest common subsequence), written as a unified diff.</summary>
public static class LineDiff
{
    /// <summary>Texts longer than this many lines on both sides are compared as a whole replacement.</summary>
    public const int MaxLines = 5000;

    public static string Unified(string before, string after, string beforeName, string afterName, int context = 3)
    {
        var a = Lines(before);
        var b = Lines(after);
        var ops = Operations(a, b);
        if (ops.All(o => o.Kind == ' '))
        {
            return string.Empty;
        }

        var text = new StringBuilder().Append("--- ").Append(beforeName).Append('\n').Append("+++ ").Append(afterName).Append('\n');
        var i = 0;
        while ((i = ops.FindIndex(i, o => o.Kind != ' ')) >= 0)
        {
            // A hunk: the change with its context, merged with the next change when their contexts would touch.
            var start = Math.Max(0, i - context);
            var last = i;
            for (var j = i + 1; j < ops.Count && j - last <= 2 * context; j++)
            {
                if (ops[j].Kind != ' ')
                {
                    last = j;
                }
            }

            var stop = Math.Min(ops.Count, last + 1 + context);
            var hunk = ops.GetRange(start, stop - start);
            var aStart = ops.Take(start).Count(o => o.Kind != '+') + 1;
            var bStart = ops.Take(start).Count(o => o.Kind != '-') + 1;
            text.Append("@@ -").Append(aStart).Append(',').Append(hunk.Count(o => o.Kind != '+'))
                .Append(" +").Append(bStart).Append(',').Append(hunk.Count(o => o.Kind != '-')).Append(" @@\n");
            foreach (var (kind, line) in hunk)
            {
                text.Append(kind).Append(line).Append('\n');
            }

            i = stop;
        }

        return text.ToString();
    }

    private static string[] Lines(string text) => text.Length == 0 ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    private static List<(char Kind, string Line)> Operations(string[] a, string[] b)
    {
        if (a.Length > MaxLines || b.Length > MaxLines)
        {
            return [.. a.Select(l => ('-', l)), .. b.Select(l => ('+', l))];
        }

        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var ops = new List<(char, string)>(a.Length + b.Length);
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                ops.Add((' ', a[x++]));
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1])
            {
                ops.Add(('-', a[x++]));
            }
            else
            {
                ops.Add(('+', b[y++]));
            }
        }

        ops.AddRange(a.Skip(x).Select(l => ('-', l)));
        ops.AddRange(b.Skip(y).Select(l => ('+', l)));
        return ops;
    }
}
