using AllData.Infrastructure.Flink;
using AllData.Tests.Fakes.Flink;
using AllData.Tests.Fixtures;

namespace AllData.Tests.Infrastructure.FlinkOps;

public sealed class FlinkPreviewTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Script = """
        SET 'table.exec.state.ttl' = '1 h';
        CREATE TABLE orders (id INT, name STRING) WITH ('connector' = 'datagen');
        INSERT INTO sink SELECT * FROM orders;
        SELECT id, name FROM orders;
        """;

    private const string CancelKey = "POST /sessions/{session_handle}/operations/{operation_handle}/cancel";
    private const string CloseKey = "DELETE /sessions/{session_handle}/operations/{operation_handle}/close";
    private const string CloseSessionKey = "DELETE /sessions/{session_handle}";

    [Fact]
    public async Task Preview_runs_the_setup_statements_then_streams_changelog_rows_with_their_kinds()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, _) = await host.CreateSqlJobAsync(Script);

        var view = await host.With<FlinkPreviewService, FlinkPreviewView>(async s =>
        {
            var id = await s.StartPreviewAsync(jobId, Script, Script.IndexOf("SELECT id", StringComparison.Ordinal) + 3, ct: host.Ct);
            return await UntilAsync(s, id, v => v.State != FlinkPreviewState.Running, host.Ct);
        });

        Assert.Equal(FlinkPreviewState.Completed, view.State);
        Assert.Equal(["id", "name"], view.Columns);
        Assert.Equal(["+I", "+I", "-U", "+U", "-D"], view.Rows.Select(r => r.Kind));
        Assert.Equal(["2", "bea"], view.Rows[3].Values);
        Assert.Equal(
            ["SET 'table.exec.state.ttl' = '1 h'", "CREATE TABLE orders (id INT, name STRING) WITH ('connector' = 'datagen')", "SELECT id, name FROM orders"],
            host.Flink.SqlGateway.Statements);
        await UntilReleasedAsync(host);
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task Preview_stops_at_the_row_cap_and_releases_the_operation_and_session()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        host.Flink.SqlGateway.QueryKeepsRunning = true;
        var (jobId, _) = await host.CreateSqlJobAsync(Script);

        var view = await host.With<FlinkPreviewService, FlinkPreviewView>(async s =>
        {
            var id = await s.StartPreviewAsync(jobId, Script, Script.Length - 5, rowCap: 3, ct: host.Ct);
            return await UntilAsync(s, id, v => v.State != FlinkPreviewState.Running, host.Ct);
        });

        Assert.Equal(FlinkPreviewState.Capped, view.State);
        Assert.Equal(["+I", "+I", "-U"], view.Rows.Select(r => r.Kind));
        await UntilReleasedAsync(host);
        Assert.Equal(1, host.Flink.SqlGateway.RequestCount(CancelKey));
        Assert.Equal(1, host.Flink.SqlGateway.RequestCount(CloseKey) - 2);   // the SET's and the CREATE's closes, then the query's
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task Stop_cancels_and_closes_the_running_query_and_its_session()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        host.Flink.SqlGateway.QueryKeepsRunning = true;
        var (jobId, _) = await host.CreateSqlJobAsync(Script);

        var view = await host.With<FlinkPreviewService, FlinkPreviewView>(async s =>
        {
            var id = await s.StartPreviewAsync(jobId, Script, Script.Length - 5, ct: host.Ct);
            await UntilAsync(s, id, v => v.Rows.Count == 5, host.Ct);
            var cancelsBefore = host.Flink.SqlGateway.RequestCount(CancelKey);
            var closesBefore = host.Flink.SqlGateway.RequestCount(CloseKey);
            await s.StopPreviewAsync(id, host.Ct);
            Assert.Equal(cancelsBefore + 1, host.Flink.SqlGateway.RequestCount(CancelKey));
            Assert.Equal(closesBefore + 1, host.Flink.SqlGateway.RequestCount(CloseKey));
            return s.Get(id)!;
        });

        Assert.Equal(FlinkPreviewState.Stopped, view.State);
        Assert.Equal(1, host.Flink.SqlGateway.RequestCount(CloseSessionKey));
        await UntilReleasedAsync(host);
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task A_setup_statement_the_gateway_rejects_fails_the_preview_with_its_error_and_closes_the_session()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        host.Flink.SqlGateway.FailingStatements["CREATE TABLE"] = "Table `orders` already exists.";
        var (jobId, _) = await host.CreateSqlJobAsync(Script);

        var view = await host.With<FlinkPreviewService, FlinkPreviewView>(async s =>
        {
            var id = await s.StartPreviewAsync(jobId, Script, Script.Length - 5, ct: host.Ct);
            return await UntilAsync(s, id, v => v.State != FlinkPreviewState.Running, host.Ct);
        });

        Assert.Equal(FlinkPreviewState.Failed, view.State);
        Assert.Contains("Statement 2 (line 2)", view.Error, StringComparison.Ordinal);
        Assert.Contains("already exists", view.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Flink.SqlGateway.Statements, st => st.StartsWith("SELECT", StringComparison.Ordinal));
        await UntilReleasedAsync(host);
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task Explain_returns_the_gateways_plan_text()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, _) = await host.CreateSqlJobAsync(Script);

        var plan = await host.With<FlinkPreviewService, string>(s => s.ExplainAsync(jobId, Script, Script.Length - 5, host.Ct));

        Assert.Contains("== Abstract Syntax Tree ==", plan, StringComparison.Ordinal);
        Assert.Equal("EXPLAIN SELECT id, name FROM orders", host.Flink.SqlGateway.Statements.Last());
        await UntilReleasedAsync(host);
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task Explain_substitutes_variables_as_a_run_does_and_refuses_an_undefined_one()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, _) = await host.CreateSqlJobAsync(Script);
        await host.With<AllData.Infrastructure.Studio.VariableService, bool>(async s =>
        {
            await s.SetAsync("source_table", "orders", isSecret: false, host.Ct);
            return true;
        });
        var script = Script.Replace("SELECT id, name FROM orders;", "SELECT id, name FROM ${source_table};", StringComparison.Ordinal);

        await host.With<FlinkPreviewService, string>(s => s.ExplainAsync(jobId, script, script.Length - 5, host.Ct));
        Assert.Equal("EXPLAIN SELECT id, name FROM orders", host.Flink.SqlGateway.Statements.Last());
        await UntilReleasedAsync(host);

        var undefined = script.Replace("${source_table}", "${nowhere}", StringComparison.Ordinal);
        var sent = host.Flink.SqlGateway.Statements.Count;
        var e = await Assert.ThrowsAsync<AllData.Domain.Common.DomainException>(() =>
            host.With<FlinkPreviewService, string>(s => s.ExplainAsync(jobId, undefined, undefined.Length - 5, host.Ct)));
        Assert.Contains("nowhere", e.Message, StringComparison.Ordinal);
        Assert.Equal(sent, host.Flink.SqlGateway.Statements.Count);
        Assert.Empty(host.Flink.Violations);
    }

    [Fact]
    public async Task Preview_of_a_statement_that_is_not_a_query_is_refused()
    {
        await using var host = await FlinkOpsHost.StartAsync(database);
        var (jobId, _) = await host.CreateSqlJobAsync(Script);

        await Assert.ThrowsAsync<AllData.Domain.Common.DomainException>(() => host.With<FlinkPreviewService, Guid>(s =>
            s.StartPreviewAsync(jobId, Script, Script.IndexOf("INSERT", StringComparison.Ordinal) + 2, ct: host.Ct)));
        Assert.Empty(host.Flink.SqlGateway.Statements);
    }

    /// <summary>The preview's state moves first, then its handles are released: wait for the session's close.</summary>
    private static async Task UntilReleasedAsync(FlinkOpsHost host)
    {
        while (host.Flink.SqlGateway.Sessions.Count > 0)
        {
            await Task.Delay(20, host.Ct);
        }
    }

    private static async Task<FlinkPreviewView> UntilAsync(FlinkPreviewService service, Guid id, Func<FlinkPreviewView, bool> done, CancellationToken ct)
    {
        while (true)
        {
            var view = service.Get(id)!;
            if (done(view))
            {
                return view;
            }

            await Task.Delay(20, ct);
        }
    }
}
