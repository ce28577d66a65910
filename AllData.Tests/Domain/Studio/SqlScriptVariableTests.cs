using AllData.Domain.Studio;

namespace AllData.Tests.Domain.Studio;

public sealed class SqlScriptVariableTests
{
    private static readonly Dictionary<string, string> Values = new()
    {
        ["table"] = "public.orders",
        ["day"] = "2026-11-24",
        ["long.name_1"] = "x",
    };

    [Fact]
    public void Variables_are_substituted_in_code_and_strings_but_not_in_comments()
    {
        const string sql = "-- ${table} stays\nSELECT * FROM ${table} /* ${nope} */ WHERE d = '${day}' AND \"${long.name_1}\" = 1";
        var statement = Assert.Single(SqlScript.Parse(sql, SqlDialect.PostgreSql).Substitute(Values));

        Assert.Equal("SELECT * FROM public.orders /* ${nope} */ WHERE d = '2026-11-24' AND \"x\" = 1", statement.Text);
    }

    [Fact]
    public void Variables_are_substituted_inside_dollar_quoted_bodies()
    {
        var statement = Assert.Single(SqlScript.Parse("DO $$ BEGIN PERFORM * FROM ${table}; END $$", SqlDialect.PostgreSql).Substitute(Values));
        Assert.Equal("DO $$ BEGIN PERFORM * FROM public.orders; END $$", statement.Text);
    }

    [Fact]
    public void Variable_value_with_a_semicolon_does_not_split_the_statement()
    {
        var statements = SqlScript.Parse("SELECT ${v}", SqlDialect.PostgreSql).Substitute(new Dictionary<string, string> { ["v"] = "1; DROP TABLE x" });
        Assert.Equal("SELECT 1; DROP TABLE x", Assert.Single(statements).Text);
    }

    [Fact]
    public void Text_that_is_no_variable_reference_is_left_alone()
    {
        var statement = Assert.Single(SqlScript.Parse("SELECT '${', '${1x}', '${ a }', $1", SqlDialect.PostgreSql).Substitute(Values));
        Assert.Equal("SELECT '${', '${1x}', '${ a }', $1", statement.Text);
    }

    [Fact]
    public void Undefined_variable_is_an_error_with_its_name_and_position()
    {
        var script = SqlScript.Parse("SELECT 1;\n  SELECT ${table},\n    ${missing};", SqlDialect.FlinkSql);

        var error = Assert.Throws<SqlScriptException>(() => script.Substitute(Values));

        Assert.Equal(SqlScriptErrorKind.UndefinedVariable, error.Kind);
        Assert.Equal("missing", error.VariableName);
        Assert.Equal(new SqlPosition(3, 5), error.Position);
        Assert.Contains("${missing}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_variable_inside_a_comment_is_no_error()
    {
        var statement = Assert.Single(SqlScript.Parse("SELECT 1 -- ${missing}\n", SqlDialect.PostgreSql).Substitute(Values));
        Assert.Equal("SELECT 1", statement.Text);
    }

    [Fact]
    public void Substituted_statement_keeps_its_original_range()
    {
        const string sql = "SELECT 0;\nSELECT * FROM ${table}";
        var original = SqlScript.Parse(sql, SqlDialect.PostgreSql).Statements[1];
        var substituted = SqlScript.Parse(sql, SqlDialect.PostgreSql).Substitute(Values)[1];

        Assert.Equal(original.StartOffset, substituted.StartOffset);
        Assert.Equal(original.EndOffset, substituted.EndOffset);
        Assert.Equal(original.Start, substituted.Start);
        Assert.True(substituted.IsSubstituted);
    }

    [Fact]
    public void Error_positions_after_a_substituted_value_map_back_to_the_original_text()
    {
        const string sql = "SELECT ${day}, ${table},\n  nope";
        var statement = Assert.Single(SqlScript.Parse(sql, SqlDialect.PostgreSql).Substitute(Values));
        var nope = statement.Text.IndexOf("nope", StringComparison.Ordinal);

        Assert.Equal(new SqlPosition(2, 3), statement.ScriptPositionOf(nope));
        Assert.Equal(new SqlPosition(2, 3), statement.ScriptPositionOfPostgresError(nope + 1));
    }

    [Fact]
    public void Error_position_inside_a_substituted_value_maps_to_the_variable()
    {
        const string sql = "SELECT 1,\n  ${table}";
        var statement = Assert.Single(SqlScript.Parse(sql, SqlDialect.PostgreSql).Substitute(Values));
        var insideValue = statement.Text.IndexOf("orders", StringComparison.Ordinal);

        Assert.Equal(new SqlPosition(2, 3), statement.ScriptPositionOf(insideValue));
    }

    [Fact]
    public void Variable_references_are_listed_with_positions()
    {
        var script = SqlScript.Parse("SELECT ${a}\n, '${b}' -- ${c}", SqlDialect.PostgreSql);
        Assert.Equal([("a", new SqlPosition(1, 8)), ("b", new SqlPosition(2, 4))], script.Variables.Select(v => (v.Name, v.Position)));
    }
}
