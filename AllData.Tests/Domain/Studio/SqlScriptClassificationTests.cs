using AllData.Domain.Studio;

namespace AllData.Tests.Domain.Studio;

public sealed class SqlScriptClassificationTests
{
    [Theory]
    [InlineData("SELECT 1", SqlStatementKind.Query)]
    [InlineData("  -- c\n select 1", SqlStatementKind.Query)]
    [InlineData("(SELECT 1) UNION (SELECT 2)", SqlStatementKind.Query)]
    [InlineData("WITH x AS (SELECT 1) SELECT * FROM x", SqlStatementKind.Query)]
    [InlineData("WITH RECURSIVE x(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM x) SELECT * FROM x", SqlStatementKind.Query)]
    [InlineData("WITH d AS (DELETE FROM t RETURNING *) INSERT INTO u SELECT * FROM d", SqlStatementKind.Dml)]
    [InlineData("VALUES (1), (2)", SqlStatementKind.Query)]
    [InlineData("TABLE orders", SqlStatementKind.Query)]
    [InlineData("SHOW search_path", SqlStatementKind.Query)]
    [InlineData("EXPLAIN (FORMAT JSON) SELECT 1", SqlStatementKind.Query)]
    [InlineData("INSERT INTO t VALUES (1)", SqlStatementKind.Dml)]
    [InlineData("update t set a = 1", SqlStatementKind.Dml)]
    [InlineData("DELETE FROM t", SqlStatementKind.Dml)]
    [InlineData("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", SqlStatementKind.Dml)]
    [InlineData("COPY t TO STDOUT", SqlStatementKind.Dml)]
    [InlineData("CREATE TABLE t (a int)", SqlStatementKind.Ddl)]
    [InlineData("ALTER TABLE t ADD b int", SqlStatementKind.Ddl)]
    [InlineData("DROP TABLE t", SqlStatementKind.Ddl)]
    [InlineData("TRUNCATE t", SqlStatementKind.Ddl)]
    [InlineData("COMMENT ON TABLE t IS 'x'", SqlStatementKind.Ddl)]
    [InlineData("SET search_path = public", SqlStatementKind.Set)]
    [InlineData("RESET ALL", SqlStatementKind.Set)]
    [InlineData("BEGIN", SqlStatementKind.Transaction)]
    [InlineData("START TRANSACTION", SqlStatementKind.Transaction)]
    [InlineData("COMMIT", SqlStatementKind.Transaction)]
    [InlineData("ROLLBACK", SqlStatementKind.Transaction)]
    [InlineData("SAVEPOINT a", SqlStatementKind.Transaction)]
    [InlineData("DO $$ BEGIN END $$", SqlStatementKind.Other)]
    [InlineData("VACUUM t", SqlStatementKind.Other)]
    [InlineData("\"SELECT\"", SqlStatementKind.Other)]
    public void Postgres_statements_are_classified_by_their_leading_keywords(string sql, SqlStatementKind kind)
    {
        Assert.Equal(kind, Assert.Single(SqlScript.Parse(sql, SqlDialect.PostgreSql).Statements).Kind);
    }

    [Theory]
    [InlineData("SELECT * FROM t", SqlStatementKind.Query)]
    [InlineData("DESCRIBE t", SqlStatementKind.Query)]
    [InlineData("SHOW TABLES", SqlStatementKind.Query)]
    [InlineData("INSERT OVERWRITE t SELECT * FROM s", SqlStatementKind.Dml)]
    [InlineData("EXECUTE INSERT INTO t SELECT 1", SqlStatementKind.Dml)]
    [InlineData("CREATE TABLE t (a INT) WITH ('connector' = 'datagen')", SqlStatementKind.Ddl)]
    [InlineData("SET 'parallelism.default' = '2'", SqlStatementKind.Set)]
    [InlineData("RESET 'parallelism.default'", SqlStatementKind.Set)]
    [InlineData("BEGIN STATEMENT SET; INSERT INTO a SELECT 1; END", SqlStatementKind.StatementSet)]
    [InlineData("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END", SqlStatementKind.StatementSet)]
    [InlineData("USE CATALOG c", SqlStatementKind.Other)]
    public void Flink_statements_are_classified_by_their_leading_keywords(string sql, SqlStatementKind kind)
    {
        Assert.Equal(kind, Assert.Single(SqlScript.Parse(sql, SqlDialect.FlinkSql).Statements).Kind);
    }
}
