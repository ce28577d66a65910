using AllData.Domain.Studio;

namespace AllData.Tests.Domain.Studio;

public sealed class SqlScriptFuzzTests
{
    private static readonly string[] Pieces =
    [
        "'", "''", "\"", "`", "``", "$", "$$", "$a$", "$1", "${", "${v}", "${x}", "}", "E'", "e'", "\\", "\\'", "--", "/*", "*/", "/*+",
        ";", ";;", "(", ")", "\n", "\r\n", "\r", " ", "\t", "SELECT", "BEGIN", "STATEMENT", "SET", "END", "EXECUTE", "CREATE",
        "FUNCTION", "ATOMIC", "CASE", "WITH", "x", "1", "é", "中文", "😀", "\uD83D", "\0", "-", "/", "*", "+",
    ];

    /// <summary>Well-formed pieces, so that many random scripts also split into several statements.</summary>
    private static readonly string[] Balanced =
    [
        "'a;b'", "'it''s'", "E'\\';'", "\"q;\"", "`b;t`", "$$x;$$", "$t$ $$; $t$", "/* c; */", "/* a /* b */ */", "-- c;\n", ";", " ; ",
        "SELECT 1", "${v}", "BEGIN STATEMENT SET;", "END;", "\n", "x",
    ];

    [Theory]
    [InlineData(SqlDialect.PostgreSql)]
    [InlineData(SqlDialect.FlinkSql)]
    public void Random_input_fails_only_with_script_errors_and_keeps_ranges_ordered_and_in_bounds(SqlDialect dialect)
    {
        var random = new Random(4242 + (int)dialect);
        var variables = new Dictionary<string, string> { ["v"] = "va;lue\n'" };
        var parsed = 0;
        for (var run = 0; run < 4000; run++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(4) == 0 ? Pieces[random.Next(Pieces.Length)] : Balanced[random.Next(Balanced.Length)]));
            SqlScript script;
            try
            {
                script = SqlScript.Parse(text, dialect);
            }
            catch (SqlScriptException error)
            {
                Assert.InRange(error.Offset, 0, text.Length);
                continue;
            }

            parsed += script.Statements.Count > 1 ? 1 : 0;
            var previousEnd = 0;
            foreach (var statement in script.Statements)
            {
                Assert.InRange(statement.StartOffset, previousEnd, text.Length);
                Assert.InRange(statement.EndOffset, statement.StartOffset + 1, text.Length);
                Assert.Equal(text[statement.StartOffset..statement.EndOffset], statement.Text);
                Assert.Equal(script.PositionAt(statement.StartOffset), statement.Start);
                previousEnd = statement.EndOffset;
            }

            try
            {
                foreach (var statement in script.Substitute(variables))
                {
                    for (var offset = 0; offset <= statement.Text.Length; offset++)
                    {
                        Assert.InRange(statement.ScriptOffsetOf(offset), statement.StartOffset, statement.EndOffset);
                    }

                    Assert.InRange(statement.ScriptPositionOfPostgresError(random.Next(0, 100)).Line, 1, script.LineCount);
                    Assert.InRange(statement.ScriptPositionOfLineColumn(random.Next(-2, 5), random.Next(-2, 50)).Line, 1, script.LineCount);
                }
            }
            catch (SqlScriptException error)
            {
                Assert.Equal(SqlScriptErrorKind.UndefinedVariable, error.Kind);
                Assert.NotEqual("v", error.VariableName);
            }
        }

        // The mix must also produce scripts that split, or the range checks above prove nothing.
        Assert.InRange(parsed, 400, 4000);
    }
}
