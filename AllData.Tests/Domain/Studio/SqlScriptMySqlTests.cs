using AllData.Domain.Studio;

namespace AllData.Tests.Domain.Studio;

public sealed class SqlScriptMySqlTests
{
    private static string[] My(string sql) => [.. SqlScript.Parse(sql, SqlDialect.MySql).Statements.Select(s => s.Text)];

    [Fact]
    public void Backtick_identifier_may_hold_a_semicolon_and_a_doubled_backtick()
    {
        Assert.Equal(["SELECT 1 AS `a;``b`", "SELECT 2"], My("SELECT 1 AS `a;``b`; SELECT 2;"));
    }

    [Fact]
    public void Hash_starts_a_line_comment()
    {
        Assert.Equal(["SELECT 1", "SELECT 2"], My("SELECT 1; # a comment; with a semicolon\nSELECT 2"));
    }

    [Fact]
    public void Dash_dash_needs_a_space_to_start_a_comment()
    {
        Assert.Equal(["SELECT 5--1", "SELECT 2"], My("SELECT 5--1; -- comment; here\nSELECT 2"));
    }

    [Fact]
    public void Strings_use_backslash_escapes_and_double_quotes_are_strings()
    {
        Assert.Equal([@"SELECT 'it\'s; here', ""a\""; b""", "SELECT 2"], My(@"SELECT 'it\'s; here', ""a\""; b""; SELECT 2"));
    }

    [Fact]
    public void Executable_comment_stays_in_the_statement()
    {
        Assert.Equal(["/*!40101 SET NAMES utf8mb4 */", "SELECT 1"], My("/*!40101 SET NAMES utf8mb4 */;\nSELECT 1;"));
    }

    [Fact]
    public void Delimiter_block_keeps_a_procedure_body_whole_and_is_not_a_statement()
    {
        const string sql = """
            DROP PROCEDURE IF EXISTS p;
            DELIMITER $$
            CREATE PROCEDURE p()
            BEGIN
              SELECT 1;
              SELECT 2;
            END$$
            DELIMITER ;
            CALL p();
            """;
        var statements = SqlScript.Parse(sql, SqlDialect.MySql).Statements;
        Assert.Equal(3, statements.Count);
        Assert.Equal("CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND", statements[1].Text.ReplaceLineEndings("\n"));
        Assert.Equal(["DROP PROCEDURE IF EXISTS p", "CALL p()"], [statements[0].Text, statements[2].Text]);
        Assert.Equal(new SqlPosition(3, 1), statements[1].Start);
    }

    [Fact]
    public void Delimiter_in_a_string_does_not_end_the_statement()
    {
        Assert.Equal(["SELECT '//'", "SELECT 2"], My("DELIMITER //\nSELECT '//'//\nSELECT 2//"));
    }

    [Fact]
    public void Delimiter_word_inside_a_line_is_ordinary_text()
    {
        Assert.Equal(["SELECT 1 AS delimiter"], My("SELECT 1 AS delimiter;"));
    }

    [Fact]
    public void Unterminated_backtick_is_reported_at_its_position()
    {
        var e = Assert.Throws<SqlScriptException>(() => SqlScript.Parse("SELECT 1;\nSELECT `x", SqlDialect.MySql));
        Assert.Equal(SqlScriptErrorKind.UnterminatedQuotedIdentifier, e.Kind);
        Assert.Equal(new SqlPosition(2, 8), e.Position);
    }

    [Theory]
    [InlineData("REPLACE INTO t VALUES (1)", SqlStatementKind.Dml)]
    [InlineData("LOAD DATA LOCAL INFILE 'x' INTO TABLE t", SqlStatementKind.Dml)]
    [InlineData("START TRANSACTION", SqlStatementKind.Transaction)]
    [InlineData("SHOW TABLES", SqlStatementKind.Query)]
    [InlineData("USE shop", SqlStatementKind.Other)]
    [InlineData("SET @x = 1", SqlStatementKind.Set)]
    public void Statements_are_classified_by_mysql_keywords(string sql, SqlStatementKind kind)
    {
        Assert.Equal(kind, SqlScript.Parse(sql, SqlDialect.MySql).Statements[0].Kind);
    }

    [Fact]
    public void Variables_are_substituted_but_not_inside_hash_comments()
    {
        var script = SqlScript.Parse("SELECT * FROM `${t}` # ${nope}", SqlDialect.MySql);
        var statement = Assert.Single(script.Substitute(new Dictionary<string, string> { ["t"] = "orders" }));
        Assert.Equal("SELECT * FROM `orders`", statement.Text);
    }

    [Fact]
    public void Postgres_dialect_still_reads_hash_and_double_quotes_its_own_way()
    {
        Assert.Equal(["SELECT 1 # 2 AS \"x;y\""], [.. SqlScript.Parse("SELECT 1 # 2 AS \"x;y\";", SqlDialect.PostgreSql).Statements.Select(s => s.Text)]);
    }
}
