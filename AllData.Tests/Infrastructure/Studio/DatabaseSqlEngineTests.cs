using System.Diagnostics;
using System.Text;
using AllData.Domain.Studio;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AllData.Tests.Infrastructure.Studio;

/// <summary>A scratch database (not the AllData store) for SQL runs, one per test class.</summary>
public sealed class ScratchDatabase : IAsyncLifetime
{
    public string Name { get; private set; } = string.Empty;

    public string ConnectionString(string applicationName) =>
        new NpgsqlConnectionStringBuilder(PostgresServer.Instance.ConnectionString(Name)) { ApplicationName = applicationName }.ConnectionString;

    public Task InitializeAsync()
    {
        Name = PostgresServer.Instance.CreateDatabase("sqlrun");
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        PostgresServer.Instance.DropDatabase(Name);
        return Task.CompletedTask;
    }
}

public sealed class DatabaseSqlEngineTests(ScratchDatabase database) : IClassFixture<ScratchDatabase>
{
    private readonly DatabaseSqlEngine _engine = new(TimeProvider.System, NullLogger<DatabaseSqlEngine>.Instance);
    private readonly string _app = $"test-{Guid.NewGuid():N}"[..20];

    private string ConnectionString => database.ConnectionString(_app);

    private Task<SqlRunOutcome> RunAsync(string sql, RecordingRunObserver observer, DatabaseSqlRunOptions? options = null, CancellationToken token = default) =>
        _engine.RunAsync(ConnectionString, SqlScript.Parse(sql, SqlDialect.PostgreSql).Statements, observer, options, token);

    [Fact]
    public async Task Script_with_ddl_dml_and_a_query_reports_rows_affected_and_typed_rows()
    {
        var table = $"items_{Guid.NewGuid():N}";
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync(
            $"""
            CREATE TABLE {table} (id int PRIMARY KEY, name text, at date);
            INSERT INTO {table} VALUES (1, 'a', '2026-11-24'), (2, '', NULL), (3, NULL, NULL);
            UPDATE {table} SET name = 'b' WHERE id = 1;
            SELECT id, name, at FROM {table} ORDER BY id;
            """,
            observer);

        Assert.Equal(SqlRunStatus.Succeeded, outcome.Status);
        Assert.Equal([null, 3L, 1L, null], outcome.Statements.Select(s => s.RowsAffected));
        Assert.Equal(
            [("id", "integer", typeof(int)), ("name", "text", typeof(string)), ("at", "date", typeof(DateOnly))],
            observer.Columns[(3, 0)].Select(c => (c.Name, c.TypeName, c.ClrType)));
        var rows = observer.Rows[(3, 0)];
        Assert.Equal([1, 2, 3], rows.Select(r => r[0]));
        Assert.Equal(["b", "", null], rows.Select(r => r[1]));
        Assert.Equal(3, outcome.Statements[3].RowCount);
        Assert.False(outcome.Statements[3].Truncated);
    }

    [Fact]
    public async Task Statements_share_one_session()
    {
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync("CREATE TEMP TABLE t (a int); INSERT INTO t VALUES (7); SET TimeZone = 'Asia/Shanghai'; SELECT a, current_setting('TimeZone') FROM t", observer);

        Assert.Equal(SqlRunStatus.Succeeded, outcome.Status);
        Assert.Equal([7, "Asia/Shanghai"], Assert.Single(observer.Rows[(3, 0)]));
    }

    [Fact]
    public async Task Error_in_statement_three_reports_its_script_line_and_column_and_stops_the_run()
    {
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync("SELECT 1;\nSELECT 2;\n\nSELECT 3,\n       nope;\nSELECT 4;", observer);

        Assert.Equal(SqlRunStatus.Failed, outcome.Status);
        Assert.NotNull(outcome.Error);
        Assert.Equal(2, outcome.Error.StatementIndex);
        Assert.Equal(new SqlPosition(5, 8), outcome.Error.Position);
        Assert.Equal("42703", outcome.Error.SqlState);
        Assert.Contains("nope", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal([0, 1, 2], observer.Started);
    }

    [Fact]
    public async Task Error_position_after_a_substituted_variable_maps_to_the_original_text()
    {
        var script = SqlScript.Parse("SELECT '${long}',\n  nope", SqlDialect.PostgreSql);
        var statements = script.Substitute(new Dictionary<string, string> { ["long"] = new('x', 40) });

        var outcome = await _engine.RunAsync(ConnectionString, statements, new RecordingRunObserver());

        Assert.Equal(new SqlPosition(2, 3), outcome.Error?.Position);
    }

    [Fact]
    public async Task Stop_cancels_a_sleeping_statement_on_the_server_within_seconds()
    {
        var observer = new RecordingRunObserver();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();

        var run = RunAsync("SELECT pg_sleep(30); SELECT 'never'", observer, token: stop.Token);
        await WaitUntilAsync(async () => await ActiveSleepsAsync() == 1, run);
        await stop.CancelAsync();
        var outcome = await run;

        Assert.Equal(SqlRunStatus.Canceled, outcome.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Equal([0], observer.Started);
        Assert.Equal(SqlRunStatus.Canceled, Assert.Single(outcome.Statements).Status);
        Assert.Equal(0, await ActiveSleepsAsync());
    }

    [Fact]
    public async Task Timeout_ends_a_runaway_statement_and_says_timed_out()
    {
        var clock = Stopwatch.StartNew();

        var outcome = await RunAsync("SELECT pg_sleep(30)", new RecordingRunObserver(), new DatabaseSqlRunOptions(Timeout: TimeSpan.FromSeconds(1)));

        Assert.Equal(SqlRunStatus.TimedOut, outcome.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Equal(0, await ActiveSleepsAsync());
    }

    [Fact]
    public async Task Rows_beyond_the_cap_are_dropped_and_the_result_is_marked_truncated()
    {
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync("SELECT g FROM generate_series(1, 1000) g; SELECT 'after'", observer, new DatabaseSqlRunOptions(RowCap: 100, BatchSize: 30));

        Assert.Equal(SqlRunStatus.Succeeded, outcome.Status);
        Assert.True(outcome.Statements[0].Truncated);
        Assert.Equal(100, outcome.Statements[0].RowCount);
        Assert.Equal(Enumerable.Range(1, 100).Cast<object?>(), observer.Rows[(0, 0)].Select(r => r[0]));
        Assert.All(observer.BatchSizes, size => Assert.InRange(size, 1, 30));
        Assert.Equal(["after"], observer.Rows[(1, 0)].Select(r => r[0]));
    }

    [Fact]
    public async Task Dml_with_returning_counts_every_row_even_beyond_the_cap()
    {
        var table = $"r_{Guid.NewGuid():N}";
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync($"CREATE TABLE {table} (a int); INSERT INTO {table} SELECT generate_series(1, 50) RETURNING a", observer,
            new DatabaseSqlRunOptions(RowCap: 10));

        Assert.Equal(50L, outcome.Statements[1].RowsAffected);
        Assert.True(outcome.Statements[1].Truncated);
    }

    [Fact]
    public async Task Value_without_a_dotnet_form_is_marked_unreadable_and_the_row_still_reads()
    {
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync("SELECT 'NaN'::numeric AS n, 'after' AS a", observer);

        Assert.Equal(SqlRunStatus.Succeeded, outcome.Status);
        var row = Assert.Single(observer.Rows[(0, 0)]);
        Assert.Equal("numeric", Assert.IsType<UnreadableValue>(row[0]).TypeName);
        Assert.Equal("after", row[1]);
    }

    [Fact]
    public async Task Server_notices_go_to_the_run_log()
    {
        var observer = new RecordingRunObserver();

        await RunAsync("DO $$ BEGIN RAISE NOTICE 'hello from %', 'plpgsql'; END $$", observer);

        Assert.Contains(observer.Log, l => l.Text == "NOTICE: hello from plpgsql");
    }

    [Fact]
    public async Task Begin_atomic_function_body_runs_as_one_statement()
    {
        var name = $"f_{Guid.NewGuid():N}";
        var observer = new RecordingRunObserver();

        var outcome = await RunAsync($"CREATE FUNCTION {name}() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 42; END; SELECT {name}()", observer);

        Assert.True(outcome.Status == SqlRunStatus.Succeeded, outcome.Error?.Message);
        Assert.Equal([42], Assert.Single(observer.Rows[(1, 0)]));
    }

    [Fact]
    public async Task Unreachable_database_fails_before_any_statement()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Password = "wrong" };

        var outcome = await _engine.RunAsync(builder.ConnectionString, SqlScript.Parse("SELECT 1", SqlDialect.PostgreSql).Statements, new RecordingRunObserver());

        Assert.Equal(SqlRunStatus.Failed, outcome.Status);
        Assert.Null(outcome.Error?.StatementIndex);
        Assert.Empty(outcome.Statements);
    }

    [Fact]
    public async Task Csv_export_quotes_per_rfc_4180_and_keeps_null_apart_from_empty()
    {
        var statement = SqlScript.Parse(
            "SELECT 1 AS id, 'a,b' AS \"t,x\", 'say \"hi\"' AS q, E'line1\\nline2' AS m, NULL::text AS n, '' AS e, 2.5::numeric AS d, true AS b",
            SqlDialect.PostgreSql).Statements[0];
        using var output = new MemoryStream();

        var rows = await _engine.ExportCsvAsync(ConnectionString, statement, output);

        Assert.Equal(1, rows);
        Assert.Equal(
            "id,\"t,x\",q,m,n,e,d,b\r\n1,\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\",,\"\",2.5,true\r\n",
            Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Csv_export_writes_times_bytes_and_arrays_in_postgres_text_form()
    {
        var statement = SqlScript.Parse(
            "SELECT '2026-11-24 10:00:01.5'::timestamp AS t, '2026-11-24'::date AS d, '\\x0aff'::bytea AS b, ARRAY[1, NULL, 3] AS a",
            SqlDialect.PostgreSql).Statements[0];
        using var output = new MemoryStream();

        await _engine.ExportCsvAsync(ConnectionString, statement, output);

        Assert.Equal("t,d,b,a\r\n2026-11-24 10:00:01.5,2026-11-24,\\x0aff,\"{1,NULL,3}\"\r\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Csv_export_writes_the_full_result_without_the_row_cap()
    {
        var statement = SqlScript.Parse("SELECT g, md5(g::text) FROM generate_series(1, 25000) g", SqlDialect.PostgreSql).Statements[0];
        var path = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.csv");
        try
        {
            long rows;
            await using (var file = File.Create(path))
            {
                rows = await _engine.ExportCsvAsync(ConnectionString, statement, file);
            }

            Assert.Equal(25000, rows);
            var lines = await File.ReadAllLinesAsync(path);
            Assert.Equal(25001, lines.Length);
            Assert.StartsWith("25000,", lines[^1], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<long> ActiveSleepsAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresServer.Instance.ConnectionString(database.Name));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = @app AND state = 'active' AND query LIKE '%pg_sleep%'", connection);
        command.Parameters.AddWithValue("app", _app);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until the condition holds, failing early if the run ends first.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Task run)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(run.IsCompleted, "The run ended before the condition held.");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "The condition did not hold within 10 s.");
            await Task.Delay(50);
        }
    }
}
