using System.Net;
using AllData.Domain.Flink;
using AllData.Infrastructure.Flink;
using AllData.Tests.Fakes.Flink;

namespace AllData.Tests.Infrastructure.Flink;

/// <summary>The SQL Gateway client against the fake gateway of the 1.20 (V1–V3), 2.0 and master (V1–V4) specs.</summary>
public sealed class SqlGatewayContractTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static TheoryData<FlinkRelease, int> ReleasesAndVersions => new()
    {
        { FlinkRelease.Flink1_20, 3 },
        { FlinkRelease.Flink2_0, 4 },
        { FlinkRelease.Master, 4 },
    };

    [Theory]
    [MemberData(nameof(ReleasesAndVersions))]
    public async Task The_highest_version_both_sides_speak_is_negotiated_once(FlinkRelease release, int expected)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);

        var version = await h.SqlGateway.GetVersionAsync(h.Ct);
        var info = await h.SqlGateway.GetInfoAsync(h.Ct);

        Assert.Equal(expected, version);
        Assert.Equal(("Apache Flink", h.Cluster.Specs.FlinkVersion), (info.ProductName, info.Version));
        Assert.Equal(1, h.FakeSqlGateway.RequestCount("GET /api_versions"));
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task A_session_carries_the_job_configuration_and_is_closed(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        var properties = new Dictionary<string, string> { ["pipeline.name"] = "orders-etl", ["parallelism.default"] = "4" };

        var session = await h.SqlGateway.OpenSessionAsync("alldata-run-42", properties, h.Ct);
        var config = await h.SqlGateway.GetSessionConfigAsync(session, h.Ct);
        await h.SqlGateway.HeartbeatAsync(session, h.Ct);
        await h.SqlGateway.CloseSessionAsync(session, h.Ct);

        Assert.Equal("orders-etl", config["pipeline.name"]);
        Assert.Equal("4", config["parallelism.default"]);
        Assert.Empty(h.FakeSqlGateway.Sessions);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task An_insert_returns_the_flink_job_id_it_submitted(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        var session = await h.SqlGateway.OpenSessionAsync(null, new Dictionary<string, string> { ["pipeline.name"] = "orders-etl" }, h.Ct);

        var set = await h.SqlGateway.ExecuteStatementAsync(session, "SET 'execution.checkpointing.interval' = '10s'", null, h.Ct);
        var setStatus = await h.SqlGateway.WaitForOperationAsync(session, set, Poll, Timeout, h.Ct);
        var insert = await h.SqlGateway.ExecuteStatementAsync(
            session, "INSERT INTO sink SELECT * FROM source", new Dictionary<string, string> { ["pipeline.name"] = "orders-etl" }, h.Ct);
        var jobId = await h.SqlGateway.GetSubmittedJobIdAsync(session, insert, Poll, Timeout, h.Ct);
        await h.SqlGateway.CloseOperationAsync(session, insert, h.Ct);
        await h.SqlGateway.CloseSessionAsync(session, h.Ct);

        Assert.Equal(FlinkSqlOperationStatus.Finished, setStatus);
        var job = Assert.Single(h.FakeJobManager.Jobs);
        Assert.Equal(job.Id, jobId.Value);
        Assert.Equal("orders-etl", job.Name);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task A_select_streams_pages_of_changelog_rows_until_the_end(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        var session = await h.SqlGateway.OpenSessionAsync(null, new Dictionary<string, string>(), h.Ct);
        var query = await h.SqlGateway.ExecuteStatementAsync(session, "SELECT id, name FROM users", null, h.Ct);

        var page = await h.SqlGateway.FetchResultsAsync(session, query, 0, h.Ct);
        List<FlinkSqlResultPage> pages = [page];
        while (page.ResultType != FlinkSqlResultType.Eos && pages.Count < 20)
        {
            page = await h.SqlGateway.FetchNextAsync(page, h.Ct);
            pages.Add(page);
        }

        await h.SqlGateway.CloseOperationAsync(session, query, h.Ct);

        Assert.Equal(FlinkSqlResultType.NotReady, pages[0].ResultType);
        var payload = pages.Where(p => p.ResultType == FlinkSqlResultType.Payload).ToList();
        Assert.All(payload, p => Assert.True(p.IsQueryResult));
        Assert.Equal(["id", "name"], payload[0].Columns.Select(c => c.Name));
        Assert.Equal("INTEGER", payload[0].Columns[0].LogicalType);
        Assert.Equal(["+I", "+I", "-U", "+U", "-D"], payload.SelectMany(p => p.Rows).Select(r => r.ShortKind));
        Assert.Equal("bea", payload[1].Rows[1].Fields[1].GetString());
        Assert.Null(pages[^1].NextResultUri);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task A_failing_statement_reports_the_gateways_root_cause(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        h.FakeSqlGateway.FailingStatements["missing_table"] = "SQL validation failed. From line 1, column 15 to line 1, column 27: Object 'missing_table' not found";
        var session = await h.SqlGateway.OpenSessionAsync(null, new Dictionary<string, string>(), h.Ct);
        var insert = await h.SqlGateway.ExecuteStatementAsync(session, "INSERT INTO missing_table SELECT 1", null, h.Ct);

        var error = await Assert.ThrowsAsync<FlinkRestException>(() => h.SqlGateway.GetSubmittedJobIdAsync(session, insert, Poll, Timeout, h.Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.StartsWith("org.apache.flink.table.api.ValidationException: SQL validation failed. From line 1, column 15", error.RootCause);
        Assert.Empty(h.FakeJobManager.Jobs);
        h.AssertNoViolations();
    }

    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public async Task A_running_query_can_be_cancelled_and_closed(FlinkRelease release)
    {
        await using var h = await FlinkClientHarness.StartAsync(release);
        h.FakeSqlGateway.OperationPollsRunning = 1000;
        var session = await h.SqlGateway.OpenSessionAsync(null, new Dictionary<string, string>(), h.Ct);
        var query = await h.SqlGateway.ExecuteStatementAsync(session, "SELECT * FROM clicks", null, h.Ct);

        var running = await h.SqlGateway.GetOperationStatusAsync(session, query, h.Ct);
        var cancelled = await h.SqlGateway.CancelOperationAsync(session, query, h.Ct);
        var closed = await h.SqlGateway.CloseOperationAsync(session, query, h.Ct);

        Assert.Equal(
            (FlinkSqlOperationStatus.Running, FlinkSqlOperationStatus.Canceled, FlinkSqlOperationStatus.Closed),
            (running, cancelled, closed));
        h.AssertNoViolations();
    }

    [Fact]
    public async Task A_statement_that_does_not_finish_in_time_is_cancelled()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        h.FakeSqlGateway.OperationPollsRunning = 1000;
        var session = await h.SqlGateway.OpenSessionAsync(null, new Dictionary<string, string>(), h.Ct);
        var insert = await h.SqlGateway.ExecuteStatementAsync(session, "INSERT INTO sink SELECT * FROM slow_source", null, h.Ct);

        await Assert.ThrowsAsync<TimeoutException>(
            () => h.SqlGateway.GetSubmittedJobIdAsync(session, insert, Poll, TimeSpan.FromMilliseconds(100), h.Ct));

        Assert.Equal(1, h.FakeSqlGateway.RequestCount("POST /sessions/{session_handle}/operations/{operation_handle}/cancel"));
        h.AssertNoViolations();
    }

    [Fact]
    public async Task Explain_returns_the_plan_text()
    {
        await using var h = await FlinkClientHarness.StartAsync();
        var session = await h.SqlGateway.OpenSessionAsync(null, new Dictionary<string, string>(), h.Ct);
        var explain = await h.SqlGateway.ExecuteStatementAsync(session, "EXPLAIN SELECT id FROM users", null, h.Ct);
        await h.SqlGateway.WaitForOperationAsync(session, explain, Poll, Timeout, h.Ct);

        var page = await h.SqlGateway.FetchResultsAsync(session, explain, 0, h.Ct);

        Assert.Contains("Abstract Syntax Tree", page.Rows.Single().Fields[0].GetString());
        h.AssertNoViolations();
    }

    [Fact]
    public async Task An_old_gateway_is_spoken_to_in_v1_without_row_format_and_its_job_id_row_is_read()
    {
        await using var h = await FlinkClientHarness.StartAsync(FlinkRelease.Flink1_20);
        h.FakeSqlGateway.ServedVersions = [1];
        h.FakeSqlGateway.ReportsJobIdField = false;

        var version = await h.SqlGateway.GetVersionAsync(h.Ct);
        var session = await h.SqlGateway.OpenSessionAsync(null, new Dictionary<string, string>(), h.Ct);
        var insert = await h.SqlGateway.ExecuteStatementAsync(session, "INSERT INTO sink VALUES (1)", null, h.Ct);
        var jobId = await h.SqlGateway.GetSubmittedJobIdAsync(session, insert, Poll, Timeout, h.Ct);

        Assert.Equal(1, version);
        Assert.Equal(Assert.Single(h.FakeJobManager.Jobs).Id, jobId.Value);
        h.AssertNoViolations();
    }
}
