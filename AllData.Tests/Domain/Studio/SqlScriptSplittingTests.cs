using AllData.Domain.Studio;

namespace AllData.Tests.Domain.Studio;

public sealed class SqlScriptSplittingTests
{
    private static string[] Pg(string sql) => [.. SqlScript.Parse(sql, SqlDialect.PostgreSql).Statements.Select(s => s.Text)];

    private static string[] Flink(string sql) => [.. SqlScript.Parse(sql, SqlDialect.FlinkSql).Statements.Select(s => s.Text)];

    [Fact]
    public void Statements_are_split_at_semicolons_without_the_semicolon()
    {
        Assert.Equal(["SELECT 1", "SELECT 2", "SELECT 3"], Pg("SELECT 1; SELECT 2;\nSELECT 3"));
    }

    [Fact]
    public void Semicolon_inside_a_string_with_doubled_quotes_does_not_split()
    {
        Assert.Equal(["SELECT 'it''s; here'", "SELECT 2"], Pg("SELECT 'it''s; here'; SELECT 2;"));
    }

    [Fact]
    public void Postgres_escape_string_keeps_backslash_escaped_quote_and_semicolon()
    {
        Assert.Equal([@"SELECT E'a\'; b\\'", "SELECT 2"], Pg(@"SELECT E'a\'; b\\'; SELECT 2"));
    }

    [Fact]
    public void Plain_string_treats_backslash_as_an_ordinary_character()
    {
        Assert.Equal([@"SELECT 'a\'", "SELECT ';'"], Pg(@"SELECT 'a\'; SELECT ';'"));
    }

    [Fact]
    public void Double_quoted_identifier_may_contain_semicolons_and_doubled_quotes()
    {
        Assert.Equal(["SELECT 1 AS \"a;\"\"b\"", "SELECT 2"], Pg("SELECT 1 AS \"a;\"\"b\"; SELECT 2"));
    }

    [Fact]
    public void Flink_backtick_identifier_may_contain_semicolons()
    {
        Assert.Equal(["SELECT `a;b`, `c``;` FROM t", "SHOW TABLES"], Flink("SELECT `a;b`, `c``;` FROM t; SHOW TABLES;"));
    }

    [Fact]
    public void Backtick_is_no_quote_in_postgres()
    {
        Assert.Equal(["SELECT `a", "b`"], Pg("SELECT `a; b`"));
    }

    [Fact]
    public void Line_comment_hides_semicolons_and_leading_comments_are_not_part_of_the_statement()
    {
        Assert.Equal(["SELECT 1 -- one; two\n+ 1", "SELECT 2"], Pg("-- header; still comment\nSELECT 1 -- one; two\n+ 1; SELECT 2 -- trailing\n;"));
    }

    [Fact]
    public void Postgres_block_comments_nest()
    {
        Assert.Equal(["SELECT 1", "SELECT 2"], Pg("/* outer /* inner; */ still; comment */ SELECT 1; SELECT 2"));
    }

    [Fact]
    public void Flink_block_comments_do_not_nest()
    {
        Assert.Equal(["x */ SELECT 1"], Flink("/* outer /* inner; */ x */ SELECT 1"));
    }

    [Fact]
    public void Optimizer_hint_stays_part_of_the_statement()
    {
        Assert.Equal(["SELECT * FROM t /*+ OPTIONS('a'=';') */"], Flink("SELECT * FROM t /*+ OPTIONS('a'=';') */;"));
        Assert.Equal(["/*+ SeqScan(t) */ SELECT * FROM t"], Pg("/* plain */ /*+ SeqScan(t) */ SELECT * FROM t;"));
    }

    [Fact]
    public void Dollar_quoted_function_body_is_one_statement()
    {
        const string function = "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql";
        Assert.Equal([function, "SELECT f()"], Pg(function + ";\nSELECT f();"));
    }

    [Fact]
    public void Tagged_dollar_quote_ends_only_at_the_same_tag()
    {
        const string body = "DO $fn$ BEGIN PERFORM $$;$$; RAISE NOTICE 'x;'; END $fn$";
        Assert.Equal([body, "SELECT 1"], Pg(body + "; SELECT 1"));
    }

    [Fact]
    public void Dollar_inside_identifiers_and_positional_parameters_is_no_quote()
    {
        Assert.Equal(["SELECT a$b$ FROM t WHERE x = $1", "SELECT 2"], Pg("SELECT a$b$ FROM t WHERE x = $1; SELECT 2"));
    }

    [Fact]
    public void Begin_atomic_routine_body_is_one_statement()
    {
        const string function = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END";
        Assert.Equal([function, "BEGIN", "COMMIT"], Pg(function + "; BEGIN; COMMIT;"));
    }

    [Fact]
    public void Flink_statement_set_is_one_statement()
    {
        const string set = "BEGIN STATEMENT SET;\nINSERT INTO a SELECT * FROM s;\nINSERT INTO b SELECT CASE WHEN x THEN 1 END FROM s;\nEND";
        Assert.Equal(["SET 'a' = 'b'", set, "SELECT 1"], Flink("SET 'a' = 'b';\n" + set + ";\nSELECT 1;"));
    }

    [Fact]
    public void Flink_execute_statement_set_is_one_statement()
    {
        const string set = "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END";
        Assert.Equal([set], Flink(set + ";"));
    }

    [Fact]
    public void Empty_statements_and_comment_only_tail_are_dropped()
    {
        Assert.Equal(["SELECT 1", "SELECT 2"], Pg(";;  ;\nSELECT 1;;\n ; SELECT 2;\n-- done\n/* really */\n"));
        Assert.Empty(Pg("  -- nothing\n /* at all */ ;"));
        Assert.Empty(Pg(string.Empty));
    }

    [Fact]
    public void Statement_indexes_count_only_kept_statements()
    {
        var script = SqlScript.Parse(";;SELECT 1;;SELECT 2", SqlDialect.PostgreSql);
        Assert.Equal([0, 1], script.Statements.Select(s => s.Index));
    }

    [Theory]
    [InlineData("SELECT 'abc", SqlScriptErrorKind.UnterminatedString, 1, 8)]
    [InlineData("SELECT 1;\nSELECT E'a\\'", SqlScriptErrorKind.UnterminatedString, 2, 8)]
    [InlineData("SELECT \"abc", SqlScriptErrorKind.UnterminatedQuotedIdentifier, 1, 8)]
    [InlineData("SELECT 1 /* /* */", SqlScriptErrorKind.UnterminatedComment, 1, 10)]
    [InlineData("DO $x$ BEGIN END $y$", SqlScriptErrorKind.UnterminatedDollarQuote, 1, 4)]
    [InlineData("SELECT $$a", SqlScriptErrorKind.UnterminatedDollarQuote, 1, 8)]
    public void Unterminated_literal_or_comment_is_a_script_error_with_its_start(string sql, SqlScriptErrorKind kind, int line, int column)
    {
        var error = Assert.Throws<SqlScriptException>(() => SqlScript.Parse(sql, SqlDialect.PostgreSql));
        Assert.Equal(kind, error.Kind);
        Assert.Equal(new SqlPosition(line, column), error.Position);
    }

    [Fact]
    public void Unterminated_backtick_identifier_is_a_script_error_in_flink()
    {
        var error = Assert.Throws<SqlScriptException>(() => SqlScript.Parse("SELECT `a", SqlDialect.FlinkSql));
        Assert.Equal(SqlScriptErrorKind.UnterminatedQuotedIdentifier, error.Kind);
    }
}
