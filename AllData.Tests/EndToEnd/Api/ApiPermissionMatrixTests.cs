using System.Net;
using System.Net.Http.Json;
using AllData.Domain.Identity;
using AllData.Web.Api;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AllData.Tests.EndToEnd.Api;

/// <summary>
/// Every <c>/api/v1</c> endpoint, read from the app's endpoint list, × every kind of caller → the expected status.
/// An endpoint without an <see cref="ApiAccess"/> or without a request rule below fails the test: add both with it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiPermissionMatrixTests(ApiHost host, ITestOutputHelper output)
{
    /// <summary>A request that an allowed caller makes successfully, and the status it gets.</summary>
    private sealed record Rule(Func<Task<HttpRequestMessage>> Request, HttpStatusCode Allowed);

    private static readonly string[] Callers = ["Anonymous", "Expired", "Revoked", "Viewer", "Operator", "Developer", "Admin", "Other"];

    private Dictionary<string, Rule> Rules()
    {
        var job = host.JobId;
        var run = host.RunId;
        Task<HttpRequestMessage> Get(string path) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, path));
        Task<HttpRequestMessage> Post(string path, object? body) =>
            Task.FromResult(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) });
        async Task<HttpRequestMessage> SaveDraft()
        {
            using var admin = host.Client("Admin");
            var current = await admin.GetAsync($"/api/v1/jobs/{job}");
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/jobs/{job}/draft")
            {
                Content = JsonContent.Create(new { sql = "select 1 as one;", dataSourceId = host.DataSourceId }),
            };
            request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag?.Tag ?? "\"0\"");
            return request;
        }

        return new Dictionary<string, Rule>
        {
            ["ListJobs"] = new(() => Get("/api/v1/jobs"), HttpStatusCode.OK),
            ["CreateJob"] = new(() => Post("/api/v1/jobs", new { name = "m_" + Guid.NewGuid().ToString("N")[..8], type = "DatabaseSql" }), HttpStatusCode.Created),
            ["GetJob"] = new(() => Get($"/api/v1/jobs/{job}"), HttpStatusCode.OK),
            ["SaveJobDraft"] = new(SaveDraft, HttpStatusCode.OK),
            ["PublishJob"] = new(() => Post($"/api/v1/jobs/{job}/versions", new { comment = "matrix" }), HttpStatusCode.Created),
            ["ListJobVersions"] = new(() => Get($"/api/v1/jobs/{job}/versions"), HttpStatusCode.OK),
            ["GetJobVersion"] = new(() => Get($"/api/v1/jobs/{job}/versions/1"), HttpStatusCode.OK),
            ["DiffJob"] = new(() => Get($"/api/v1/jobs/{job}/diff?from=1&to=draft"), HttpStatusCode.OK),
            ["ExportStatementCsv"] = new(() => Get($"/api/v1/runs/{run}/statements/0/csv"), HttpStatusCode.OK),
            ["StartRun"] = new(() => Post($"/api/v1/jobs/{job}/runs", null), HttpStatusCode.Accepted),
            ["ListRuns"] = new(() => Get("/api/v1/runs"), HttpStatusCode.OK),
            ["GetRun"] = new(() => Get($"/api/v1/runs/{run}"), HttpStatusCode.OK),
            ["CancelRun"] = new(() => Post($"/api/v1/runs/{run}/cancel", null), HttpStatusCode.Accepted),
            ["GetRunHistory"] = new(() => Get($"/api/v1/runs/{run}/history"), HttpStatusCode.OK),
            ["StreamRunLogs"] = new(() => Get($"/api/v1/runs/{run}/logs?since=0"), HttpStatusCode.OK),
            ["DownloadRunLog"] = new(() => Get($"/api/v1/runs/{run}/log"), HttpStatusCode.OK),
            // A database run is no Flink job: an allowed caller is told so.
            ["TriggerSavepoint"] = new(() => Post($"/api/v1/runs/{run}/savepoints", null), HttpStatusCode.BadRequest),
            ["ListSavepoints"] = new(() => Get($"/api/v1/runs/{run}/savepoints"), HttpStatusCode.OK),
            ["SearchCatalog"] = new(() => Get("/api/v1/catalog/search?q=workspaces"), HttpStatusCode.OK),
            ["GetTable"] = new(() => Get($"/api/v1/catalog/tables/{host.TableId}"), HttpStatusCode.OK),
            ["GetTableDdl"] = new(() => Get($"/api/v1/catalog/tables/{host.TableId}/ddl"), HttpStatusCode.OK),
            ["ListFlinkClusters"] = new(() => Get("/api/v1/flink/clusters"), HttpStatusCode.OK),
            ["GetFlinkClusterHealth"] = new(() => Get($"/api/v1/flink/clusters/{host.ClusterId}/health"), HttpStatusCode.OK),
        };
    }

    private List<(string Name, string Route, ApiAccess? Access)> ApiEndpoints() =>
        [.. host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiSetup.Prefix, StringComparison.Ordinal) == true)
            .Select(e => (e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.RoutePattern.RawText!, e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<ApiAccess>()))];

    [Fact]
    public void Every_api_endpoint_states_its_access_and_has_a_rule_in_this_test()
    {
        var endpoints = ApiEndpoints();
        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.True(e.Access is not null, $"{e.Name} ({e.Route}) has no .Permits(scope, role)."));
        var rules = Rules();
        Assert.All(endpoints, e => Assert.True(rules.ContainsKey(e.Name), $"{e.Name} ({e.Route}) has no rule in {nameof(ApiPermissionMatrixTests)}."));
        Assert.All(rules.Keys, name => Assert.Contains(endpoints, e => e.Name == name));
    }

    [Fact]
    public async Task Every_endpoint_answers_every_kind_of_caller_as_its_access_says()
    {
        var rules = Rules();
        var failures = new List<string>();
        foreach (var (name, route, access) in ApiEndpoints())
        {
            Assert.NotNull(access);
            var rule = rules[name];
            foreach (var caller in Callers)
            {
                using var client = caller == "Anonymous" ? host.Client() : host.Client(caller);
                using var request = await rule.Request();
                using var response = await client.SendAsync(request);
                var expected = Expected(caller, route, access, rule.Allowed);
                output.WriteLine($"{name,-24} {caller,-10} {(int)response.StatusCode} (expected {(int)expected})");
                if (response.StatusCode != expected)
                {
                    failures.Add($"{name} as {caller}: {(int)response.StatusCode}, expected {(int)expected}. {await response.Content.ReadAsStringAsync()}");
                }
                else if ((int)expected >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static HttpStatusCode Expected(string caller, string route, ApiAccess access, HttpStatusCode allowed)
    {
        if (caller is "Anonymous" or "Expired" or "Revoked")
        {
            return HttpStatusCode.Unauthorized;
        }

        if (caller == "Other")
        {
            // An Admin of another workspace: its own (empty) lists, and none of this workspace's things.
            return route.Contains(":guid}", StringComparison.Ordinal) ? HttpStatusCode.NotFound : allowed;
        }

        var role = Enum.Parse<WorkspaceRole>(caller);
        return role.Includes(access.MinimumRole) ? allowed : HttpStatusCode.Forbidden;
    }
}
