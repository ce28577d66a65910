using System.Globalization;
using AllData.Domain.Catalog;
using AllData.Domain.Studio;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Sources.MySql;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace AllData.Tests.Infrastructure.Studio;

/// <summary>Database SQL runs and EXPLAIN on a real MariaDB server.</summary>
public sealed class MySqlSqlEngineTests
{
    private readonly MySqlSqlEngine _engine = new(TimeProvider.System, NullLogger<MySqlSqlEngine>.Instance);
    private readonly string _database;
    private readonly string _connection;

    public MySqlSqlEngineTests()
    {
        var (database, user) = MariaDbServer.Instance.CreateSource("run", MariaDbServer.DemoSchema);
        _database = database;
        _connection = new SourceConnection(DataSourceKind.MySql, "127.0.0.1", MariaDbServer.Instance.Port, database, user,
            MariaDbServer.AdminPassword, DataSourceSslMode.Disable, new Dictionary<string, string>()).ToMySql(pooling: false, applicationName: "test");
    }

    private Task<SqlRunOutcome> RunAsync(string sql, RecordingRunObserver observer, DatabaseSqlRunOptions? options = null, CancellationToken token = default) =>
        _engine.RunAsync(_connection, SqlScript.Parse(sql, SqlDialect.MySql).Statements, observer, options, token);

    private static async Task Until(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token).ContinueWith(t => t.IsCanceled ? throw new TimeoutException($"Timed out waiting for {what}") : t,
                TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task Script_with_a_delimiter_block_dml_and_queries_reports_rows_affected_and_typed_rows()
    {
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync("""
            UPDATE orders SET note = 'x' WHERE customer_id = 1; # two rows
            DELIMITER //
            CREATE PROCEDURE order_count(IN c INT)
            BEGIN
              SELECT COUNT(*) AS n FROM orders WHERE customer_id = c;
            END//
            DELIMITER ;
            CALL order_count(1);
            SELECT id, `order date`, total, note FROM orders ORDER BY id;
            """, observer);

        Assert.Equal(SqlRunStatus.Succeeded, outcome.Status);
        Assert.Equal(4, outcome.Statements.Count);
        Assert.Equal(2L, outcome.Statements[0].RowsAffected);
        Assert.Equal(2L, Convert.ToInt64(observer.Rows[(2, 0)][0][0], CultureInfo.InvariantCulture));
        Assert.Equal(
            [("id", "bigint", typeof(long)), ("order date", "date", typeof(DateTime)), ("total", "decimal", typeof(decimal)), ("note", "varchar", typeof(string))],
            observer.Columns[(3, 0)].Select(c => (c.Name, c.TypeName, c.ClrType)));
        Assert.Equal([120.50m, 30.00m, 999.99m], observer.Rows[(3, 0)].Select(r => (decimal)r[2]!));
    }

    [Fact]
    public async Task Zero_dates_and_tinyint_one_come_through_as_stored()
    {
        var observer = new RecordingRunObserver();

        await RunAsync("SELECT is_active, signed_up FROM customers WHERE name = 'Bob'", observer);

        var row = Assert.Single(observer.Rows[(0, 0)]);
        Assert.Equal(((sbyte)2, "0000-00-00 00:00:00"), (row[0], row[1]));
    }

    [Fact]
    public async Task Stop_kills_the_running_query_on_the_server()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var observer = new RecordingRunObserver();
        using var stop = new CancellationTokenSource();

        var run = RunAsync($"SELECT SLEEP(60) AS `{marker}`", observer, token: stop.Token);
        await Until(() => Running(marker) == 1, "the query to run");
        await stop.CancelAsync();
        var outcome = await run;

        Assert.Equal(SqlRunStatus.Canceled, outcome.Status);
        await Until(() => Running(marker) == 0, "KILL QUERY to end the query");
    }

    [Fact]
    public async Task The_runs_timeout_stops_a_long_statement()
    {
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync("SELECT 1; SELECT SLEEP(60); SELECT 3", observer, new DatabaseSqlRunOptions(Timeout: TimeSpan.FromSeconds(1)));

        Assert.Equal(SqlRunStatus.TimedOut, outcome.Status);
        Assert.Equal([SqlRunStatus.Succeeded, SqlRunStatus.TimedOut], outcome.Statements.Select(s => s.Status));
    }

    [Fact]
    public async Task A_syntax_error_points_at_its_line_in_the_script()
    {
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync("SELECT 1;\nSELECT id\nFROM orders\nWHERE id = = 2;", observer);

        Assert.Equal(SqlRunStatus.Failed, outcome.Status);
        Assert.Equal("42000", outcome.Error!.SqlState);
        Assert.Equal(4, outcome.Error.Position!.Value.Line);
    }

    [Fact]
    public async Task Explain_format_json_becomes_a_tree_with_the_tables()
    {
        var plan = await new MySqlPlanExplainer().ExplainAsync(_connection,
            "SELECT c.name, o.total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.total > 10", analyze: false, CancellationToken.None);

        var relations = Flatten(plan.Root).Select(n => n.Relation).Where(r => r is not null).ToList();
        Assert.Equal(["c", "o"], relations.Order());
    }

    [Fact]
    public async Task Explain_analyze_on_mariadb_reports_actual_rows_and_writes_nothing()
    {
        var plan = await new MySqlPlanExplainer().ExplainAsync(_connection, "DELETE FROM orders WHERE total < 50", analyze: true, CancellationToken.None);

        Assert.Contains(Flatten(plan.Root), n => n.ActualRows is not null);
        Assert.Equal(3L, Convert.ToInt64(MariaDbServer.Instance.Scalar(_database, "SELECT COUNT(*) FROM orders"), CultureInfo.InvariantCulture));
    }

    private static IEnumerable<PlanNode> Flatten(PlanNode node) => [node, .. node.Children.SelectMany(Flatten)];

    private static long Running(string marker) => Convert.ToInt64(MariaDbServer.Instance.Scalar(null,
        $"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60) AS `{marker}`%'"), CultureInfo.InvariantCulture);
}
