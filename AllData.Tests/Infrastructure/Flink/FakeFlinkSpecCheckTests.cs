using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AllData.Tests.Fakes.Flink;

namespace AllData.Tests.Infrastructure.Flink;

/// <summary>The fake's checker itself: requests that break the spec are answered 400 and recorded, so contract tests can fail.</summary>
public sealed class FakeFlinkSpecCheckTests
{
    [Theory]
    [MemberData(nameof(FlinkClientHarness.Releases), MemberType = typeof(FlinkClientHarness))]
    public void Every_spec_document_loads_with_the_operations_the_clients_use(FlinkRelease release)
    {
        var specs = FlinkSpecSet.For(release);

        var keys = specs.Dispatcher.Operations.Select(o => o.Key).ToHashSet();
        Assert.Subset(keys, new HashSet<string>
        {
            "GET /overview", "GET /config", "GET /jobs/overview", "GET /jobs/{jobid}", "PATCH /jobs/{jobid}", "GET /jobs/{jobid}/exceptions",
            "GET /jobs/{jobid}/checkpoints", "POST /jobs/{jobid}/savepoints", "GET /jobs/{jobid}/savepoints/{triggerid}", "POST /jobs/{jobid}/stop",
            "POST /jars/upload", "GET /jars", "DELETE /jars/{jarid}", "POST /jars/{jarid}/run", "GET /jobs/{jobid}/vertices/{vertexid}/subtasks/metrics",
            "GET /jobmanager/logs", "GET /jobmanager/logs/{filename}", "GET /taskmanagers", "GET /taskmanagers/{taskmanagerid}/logs",
        });
        Assert.Equal(release == FlinkRelease.Flink1_20 ? [1, 2, 3] : [1, 2, 3, 4], specs.Gateway.Keys.Order());
    }

    [Theory]
    [InlineData("PATCH", "/jobs/0123456789abcdef0123456789abcdef?mode=explode", null, "query parameter mode")]
    [InlineData("GET", "/jobs/not-a-job-id", null, "path parameter jobid")]
    [InlineData("GET", "/jobs/overview?verbose=true", null, "query parameter 'verbose' is not in the spec")]
    [InlineData("POST", "/jobs/0123456789abcdef0123456789abcdef/savepoints", """{"targetDirectory":"x"}""", "request body")]
    [InlineData("POST", "/jobs/0123456789abcdef0123456789abcdef/stop", """{"drain":"yes"}""", "request body")]
    [InlineData("POST", "/jobs/overview", null, "no such operation")]
    [InlineData("GET", "/jobs/0123456789abcdef0123456789abcdef/cancel", null, "no such operation")]
    public async Task Requests_that_break_the_spec_are_rejected_and_recorded(string method, string target, string? json, string expected)
    {
        await using var cluster = await FakeFlinkCluster.StartAsync(FlinkRelease.Master);
        using var http = new HttpClient { BaseAddress = cluster.JobManager.BaseUrl };
        using var request = new HttpRequestMessage(new HttpMethod(method), target.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"answered {response.StatusCode}");
        Assert.Contains(expected, Assert.Single(cluster.Violations));
    }

    [Fact]
    public async Task A_jar_upload_sent_as_a_bare_archive_is_rejected()
    {
        await using var cluster = await FakeFlinkCluster.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.JobManager.BaseUrl };
        using var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-java-archive");

        using var response = await http.PostAsync("jars/upload", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("multipart/form-data", Assert.Single(cluster.Violations));
    }

    [Fact]
    public async Task A_fetch_without_row_format_on_gateway_v2_and_later_is_rejected()
    {
        await using var cluster = await FakeFlinkCluster.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.SqlGateway.BaseUrl };

        using var response = await http.GetAsync($"v2/sessions/{Guid.NewGuid()}/operations/{Guid.NewGuid()}/result/0");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("rowFormat", Assert.Single(cluster.Violations));
    }

    [Fact]
    public async Task A_gateway_version_the_release_does_not_serve_is_not_found()
    {
        await using var cluster = await FakeFlinkCluster.StartAsync(FlinkRelease.Flink1_20);
        using var http = new HttpClient { BaseAddress = cluster.SqlGateway.BaseUrl };

        using var response = await http.GetAsync("v4/info");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Single(cluster.Violations);
    }

    [Fact]
    public async Task The_fakes_own_answers_are_validated_against_the_spec()
    {
        var spec = FlinkSpecSet.For(FlinkRelease.Master).Dispatcher;
        var overview = spec.Operations.Single(o => o.Key == "GET /jobs/overview");

        var problems = spec.ValidateJson(overview.Responses[200]!, """{"jobs":[{"jid":"x","name":"a","state":"RUNNNING","extra":1}]}""").ToList();

        Assert.True(problems.Count == 3, string.Join(" | ", problems));
        Assert.Contains(problems, p => p.Contains("jid", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("state", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("extra", StringComparison.Ordinal));
    }
}
