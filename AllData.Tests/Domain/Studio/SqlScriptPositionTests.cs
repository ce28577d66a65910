using AllData.Domain.Studio;

namespace AllData.Tests.Domain.Studio;

public sealed class SqlScriptPositionTests
{
    [Fact]
    public void Statement_offsets_and_positions_cover_its_text()
    {
        const string sql = "SELECT 1;\n  -- note\n  SELECT\n    2 ;";
        var second = SqlScript.Parse(sql, SqlDialect.PostgreSql).Statements[1];

        Assert.Equal("SELECT\n    2", second.Text);
        Assert.Equal(sql.IndexOf("SELECT\n", StringComparison.Ordinal), second.StartOffset);
        Assert.Equal(new SqlPosition(3, 3), second.Start);
        Assert.Equal(new SqlPosition(4, 6), second.End);
    }

    [Fact]
    public void Crlf_counts_as_one_line_break()
    {
        var statements = SqlScript.Parse("SELECT 1;\r\n\r\nSELECT\r\n 2;", SqlDialect.PostgreSql).Statements;

        Assert.Equal(new SqlPosition(3, 1), statements[1].Start);
        Assert.Equal(new SqlPosition(4, 3), statements[1].End);
    }

    [Fact]
    public void Lone_carriage_return_counts_as_a_line_break()
    {
        var script = SqlScript.Parse("SELECT 1;\rSELECT 2;", SqlDialect.PostgreSql);
        Assert.Equal(new SqlPosition(2, 1), script.Statements[1].Start);
    }

    [Fact]
    public void Postgres_error_position_maps_to_script_line_and_column()
    {
        const string sql = "SELECT 1;\n\nSELECT a,\n       nope FROM t;";
        var statement = SqlScript.Parse(sql, SqlDialect.PostgreSql).Statements[1];
        var position = statement.Text.IndexOf("nope", StringComparison.Ordinal) + 1;

        Assert.Equal(new SqlPosition(4, 8), statement.ScriptPositionOfPostgresError(position));
    }

    [Fact]
    public void Postgres_error_position_counts_code_points_not_utf16_units()
    {
        const string sql = "SELECT '😀', nope";
        var statement = SqlScript.Parse(sql, SqlDialect.PostgreSql).Statements[0];

        // PostgreSQL counts the emoji as one character: "nope" is character 13.
        Assert.Equal(new SqlPosition(1, sql.IndexOf("nope", StringComparison.Ordinal) + 1), statement.ScriptPositionOfPostgresError(13));
    }

    [Fact]
    public void Flink_line_and_column_in_statement_map_to_the_script()
    {
        const string sql = "SET 'x' = 'y';\n\nSELECT *\nFROM nope;";
        var statement = SqlScript.Parse(sql, SqlDialect.FlinkSql).Statements[1];

        Assert.Equal(new SqlPosition(4, 6), statement.ScriptPositionOfLineColumn(2, 6));
        Assert.Equal(new SqlPosition(3, 1), statement.ScriptPositionOfLineColumn(1, 1));
    }

    [Fact]
    public void Statement_at_cursor_includes_the_position_right_after_it()
    {
        var script = SqlScript.Parse("SELECT 1; SELECT 2;", SqlDialect.PostgreSql);

        Assert.Equal(0, script.StatementAt(8)?.Index);
        Assert.Equal(1, script.StatementAt(12)?.Index);
        Assert.Null(script.StatementAt(9));
    }

    [Fact]
    public void Statements_in_a_selection_are_those_it_overlaps()
    {
        var script = SqlScript.Parse("SELECT 1; SELECT 2; SELECT 3;", SqlDialect.PostgreSql);
        Assert.Equal([1, 2], script.StatementsIn(12, 22).Select(s => s.Index));
    }
}
