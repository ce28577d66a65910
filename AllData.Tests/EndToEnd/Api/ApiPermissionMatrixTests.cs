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
    /// <summary>
    /// A request that an allowed caller makes successfully, and the status it gets; <see cref="ForOther"/> when an Admin of
    /// another workspace gets something else on a route without an id (its body names this workspace's things).
    /// </summary>
    private sealed record Rule(Func<Task<HttpRequestMessage>> Request, HttpStatusCode Allowed, HttpStatusCode? ForOther = null);

    private static int _slot;

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

        Task<HttpRequestMessage> Put(string path, object body) =>
            Task.FromResult(new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) });
        string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];
        object NewSchedule() => new { name = Unique("s_"), jobId = job, cron = "0 0 4 * * ?" };
        object NewQualityRule() => new
        {
            name = Unique("q_"), spec = new { type = "NotNull", columns = new[] { "name" }, threshold = new { kind = "Absolute", max = 0 } },
        };
        object NewAlertRule() => new
        {
            name = Unique("a_"), scope = new { kind = "AllJobs" }, condition = new { kind = "RunFailed" }, pendingMinutes = 0, groupWindowSeconds = 30,
            channelIds = new[] { host.AlertChannelId },
        };

        // Deletes need a thing of their own each time: the Admin creates it, then the caller deletes it.
        async Task<HttpRequestMessage> DeleteFresh(string createPath, object body, string deletePath)
        {
            using var admin = host.Client("Admin");
            var created = await admin.PostAsJsonAsync(createPath, body);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
            return new HttpRequestMessage(HttpMethod.Delete, string.Format(System.Globalization.CultureInfo.InvariantCulture, deletePath, id));
        }

        // Each backfill covers days of its own (a slot is planned by one open backfill only).
        object NewBackfill()
        {
            var day = new DateOnly(2025, 1, 1).AddDays(Interlocked.Increment(ref _slot));
            return new { from = day, to = day, parallelism = 1, order = "OldestFirst", mode = "All", includeDownstream = false };
        }

        async Task<HttpRequestMessage> OnFreshBackfill(string action)
        {
            using var admin = host.Client("Admin");
            var created = await admin.PostAsJsonAsync($"/api/v1/schedules/{host.ScheduleId}/backfills", NewBackfill());
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
            if (action == "resume")
            {
                Assert.True((await admin.PostAsync($"/api/v1/backfills/{id}/pause", null)).IsSuccessStatusCode);
            }

            return new HttpRequestMessage(HttpMethod.Post, $"/api/v1/backfills/{id}/{action}");
        }

        // A fresh job per request, so that each caller's edge or table is new.
        async Task<Guid> FreshJob()
        {
            using var admin = host.Client("Admin");
            var created = await admin.PostAsJsonAsync("/api/v1/jobs", new { name = Unique("w_"), type = "DatabaseSql" });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            return (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        }

        async Task<HttpRequestMessage> AddToFreshJob(string what, Func<object> body) =>
            new(HttpMethod.Post, $"/api/v1/jobs/{await FreshJob()}/{what}") { Content = JsonContent.Create(body()) };

        async Task<HttpRequestMessage> RemoveFresh(string what, object body, string deletePath)
        {
            using var admin = host.Client("Admin");
            var created = await admin.PostAsJsonAsync($"/api/v1/jobs/{await FreshJob()}/{what}", body);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>())[0].GetProperty("id").GetGuid();
            return new HttpRequestMessage(HttpMethod.Delete, string.Format(System.Globalization.CultureInfo.InvariantCulture, deletePath, id));
        }

        async Task<HttpRequestMessage> WithSourceScanSchedule(HttpMethod method)
        {
            using var admin = host.Client("Admin");
            var set = await admin.PutAsJsonAsync($"/api/v1/quality/sources/{host.DataSourceId}/scan-schedule", new { cron = "0 0 4 * * ?", timeZoneId = "UTC" });
            Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
            return new HttpRequestMessage(method, $"/api/v1/quality/sources/{host.DataSourceId}/scan-schedule");
        }

        async Task<HttpRequestMessage> WithScanSchedule(HttpMethod method)
        {
            using var admin = host.Client("Admin");
            var set = await admin.PutAsJsonAsync($"/api/v1/quality/tables/{host.TableId}/scan-schedule", new { cron = "0 0 3 * * ?", timeZoneId = "UTC" });
            Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
            return new HttpRequestMessage(method, $"/api/v1/quality/tables/{host.TableId}/scan-schedule");
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
            ["ExportBundle"] = new(() => Get("/api/v1/export?format=json"), HttpStatusCode.OK),
            ["ImportBundle"] = new(() => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/v1/import?dryRun=true")
            {
                Content = new StringContent("format: alldata.bundle/v1\n", System.Text.Encoding.UTF8, "application/yaml"),
            }), HttpStatusCode.OK),
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
            ["ListSchedules"] = new(() => Get("/api/v1/schedules"), HttpStatusCode.OK),
            ["GetSchedule"] = new(() => Get($"/api/v1/schedules/{host.ScheduleId}"), HttpStatusCode.OK),
            ["CreateSchedule"] = new(() => Post("/api/v1/schedules", NewSchedule()), HttpStatusCode.Created, HttpStatusCode.BadRequest),
            ["UpdateSchedule"] = new(() => Put($"/api/v1/schedules/{host.ScheduleId}", new { name = "nightly", jobId = job, cron = "0 30 2 * * ?" }),
                HttpStatusCode.OK),
            ["DeleteSchedule"] = new(() => DeleteFresh("/api/v1/schedules", NewSchedule(), "/api/v1/schedules/{0}"), HttpStatusCode.NoContent),
            ["PauseSchedule"] = new(() => Post($"/api/v1/schedules/{host.ScheduleId}/pause", null), HttpStatusCode.OK),
            ["ResumeSchedule"] = new(() => Post($"/api/v1/schedules/{host.ScheduleId}/resume", null), HttpStatusCode.OK),
            ["RunScheduleNow"] = new(() => Post($"/api/v1/schedules/{host.ScheduleId}/runs", new { logicalTime = new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero).AddMinutes(Interlocked.Increment(ref _slot)) }),
                HttpStatusCode.Accepted),
            ["GetScheduleLedger"] = new(() => Get($"/api/v1/schedules/{host.ScheduleId}/slots"), HttpStatusCode.OK),
            ["ListJobDependencies"] = new(() => Get($"/api/v1/jobs/{job}/dependencies"), HttpStatusCode.OK),
            ["AddJobDependency"] = new(() => AddToFreshJob("dependencies", () => new { upstreamJobId = job }), HttpStatusCode.Created),
            ["RemoveJobDependency"] = new(() => RemoveFresh("dependencies", new { upstreamJobId = job }, "/api/v1/dependencies/{0}"), HttpStatusCode.NoContent),
            ["GetDependencyGraph"] = new(() => Get("/api/v1/dependencies/graph?date=2026-12-01"), HttpStatusCode.OK),
            ["ListJobTables"] = new(() => Get($"/api/v1/jobs/{job}/tables"), HttpStatusCode.OK),
            ["AddJobTable"] = new(() => AddToFreshJob("tables", () => new { tableId = host.TableId, access = "Reads" }), HttpStatusCode.Created),
            ["RemoveJobTable"] = new(() => RemoveFresh("tables", new { tableId = host.TableId, access = "Writes" }, "/api/v1/job-tables/{0}"), HttpStatusCode.NoContent),
            ["PreviewBackfill"] = new(() => Post($"/api/v1/schedules/{host.ScheduleId}/backfills/preview", NewBackfill()), HttpStatusCode.OK),
            ["CreateBackfill"] = new(() => Post($"/api/v1/schedules/{host.ScheduleId}/backfills", NewBackfill()), HttpStatusCode.Created),
            ["ListBackfills"] = new(() => Get($"/api/v1/schedules/{host.ScheduleId}/backfills"), HttpStatusCode.OK),
            ["GetBackfill"] = new(() => Get($"/api/v1/backfills/{host.BackfillId}"), HttpStatusCode.OK),
            ["ListBackfillItems"] = new(() => Get($"/api/v1/backfills/{host.BackfillId}/items"), HttpStatusCode.OK),
            ["PauseBackfill"] = new(() => OnFreshBackfill("pause"), HttpStatusCode.OK),
            ["ResumeBackfill"] = new(() => OnFreshBackfill("resume"), HttpStatusCode.OK),
            ["CancelBackfill"] = new(() => OnFreshBackfill("cancel"), HttpStatusCode.OK),
            ["GetScanSchedule"] = new(() => WithScanSchedule(HttpMethod.Get), HttpStatusCode.OK),
            ["SetScanSchedule"] = new(() => Put($"/api/v1/quality/tables/{host.TableId}/scan-schedule", new { cron = "0 0 4 * * ?", timeZoneId = "UTC" }), HttpStatusCode.OK),
            ["RemoveScanSchedule"] = new(() => WithScanSchedule(HttpMethod.Delete), HttpStatusCode.NoContent),
            ["GetSourceScanSchedule"] = new(() => WithSourceScanSchedule(HttpMethod.Get), HttpStatusCode.OK),
            ["SetSourceScanSchedule"] = new(() => Put($"/api/v1/quality/sources/{host.DataSourceId}/scan-schedule", new { cron = "0 0 5 * * ?", timeZoneId = "UTC" }), HttpStatusCode.OK),
            ["RemoveSourceScanSchedule"] = new(() => WithSourceScanSchedule(HttpMethod.Delete), HttpStatusCode.NoContent),
            ["GetQualityOverview"] = new(() => Get("/api/v1/quality/overview"), HttpStatusCode.OK),
            ["GetTableQuality"] = new(() => Get($"/api/v1/quality/tables/{host.TableId}"), HttpStatusCode.OK),
            ["ListQualityRules"] = new(() => Get($"/api/v1/quality/tables/{host.TableId}/rules"), HttpStatusCode.OK),
            ["CreateQualityRule"] = new(() => Post($"/api/v1/quality/tables/{host.TableId}/rules", NewQualityRule()), HttpStatusCode.Created),
            ["UpdateQualityRule"] = new(() => Put($"/api/v1/quality/rules/{host.QualityRuleId}", new
            {
                name = "name present", spec = new { type = "NotNull", columns = new[] { "name" }, threshold = new { kind = "Absolute", max = 0 } },
            }), HttpStatusCode.OK),
            ["DeleteQualityRule"] = new(() => DeleteFresh($"/api/v1/quality/tables/{host.TableId}/rules", NewQualityRule(), "/api/v1/quality/rules/{0}"),
                HttpStatusCode.NoContent),
            ["ScanTable"] = new(() => Post($"/api/v1/quality/tables/{host.TableId}/scans", null), HttpStatusCode.Created),
            ["ListQualityScans"] = new(() => Get("/api/v1/quality/scans"), HttpStatusCode.OK),
            ["GetQualityScan"] = new(() => Get($"/api/v1/quality/scans/{host.ScanId}"), HttpStatusCode.OK),
            ["ListAlertRules"] = new(() => Get("/api/v1/alerts/rules"), HttpStatusCode.OK),
            ["CreateAlertRule"] = new(() => Post("/api/v1/alerts/rules", NewAlertRule()), HttpStatusCode.Created, HttpStatusCode.BadRequest),
            ["UpdateAlertRule"] = new(() => Put($"/api/v1/alerts/rules/{host.AlertRuleId}", new
            {
                name = "failures", scope = new { kind = "AllJobs" }, condition = new { kind = "RunFailed" }, pendingMinutes = 1, groupWindowSeconds = 30,
                channelIds = new[] { host.AlertChannelId },
            }), HttpStatusCode.OK),
            ["DeleteAlertRule"] = new(() => DeleteFresh("/api/v1/alerts/rules", NewAlertRule(), "/api/v1/alerts/rules/{0}"), HttpStatusCode.NoContent),
            ["ListAlerts"] = new(() => Get("/api/v1/alerts?firing=true"), HttpStatusCode.OK),
            ["ListAlertHistory"] = new(() => Get("/api/v1/alerts/history"), HttpStatusCode.OK),
            ["AcknowledgeAlert"] = new(() => Post($"/api/v1/alerts/{host.AlertId}/acknowledge", null), HttpStatusCode.OK),
            ["ListAlertSilences"] = new(() => Get("/api/v1/alerts/silences"), HttpStatusCode.OK),
            ["AddAlertSilence"] = new(() => Post("/api/v1/alerts/silences", new { minutes = 30, reason = "deploy" }),
                HttpStatusCode.Created),
            ["EndAlertSilence"] = new(() => DeleteFresh("/api/v1/alerts/silences", new { ruleId = host.AlertRuleId, minutes = 30, reason = "deploy" },
                "/api/v1/alerts/silences/{0}"), HttpStatusCode.NoContent),
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
                var expected = Expected(caller, route, access, rule);
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

    private static HttpStatusCode Expected(string caller, string route, ApiAccess access, Rule rule)
    {
        var allowed = rule.Allowed;
        if (caller is "Anonymous" or "Expired" or "Revoked")
        {
            return HttpStatusCode.Unauthorized;
        }

        if (caller == "Other")
        {
            // An Admin of another workspace: its own (empty) lists, and none of this workspace's things.
            return route.Contains(":guid}", StringComparison.Ordinal) ? HttpStatusCode.NotFound : rule.ForOther ?? allowed;
        }

        var role = Enum.Parse<WorkspaceRole>(caller);
        return role.Includes(access.MinimumRole) ? allowed : HttpStatusCode.Forbidden;
    }
}
