using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;

namespace AllData.Tests.EndToEnd.Api;

[Collection(ApiCollection.Name)]
public sealed class ApiBehaviourTests(ApiHost host)
{
    private async Task<Guid> NewPublishedJobAsync()
    {
        await using var scope = host.ActAs(host.UserIds[WorkspaceRole.Developer]);
        var jobId = await host.CreateJobAsync(scope.ServiceProvider, "select 2 as two;");
        using var client = host.Client("Developer");
        (await client.PostAsJsonAsync($"/api/v1/jobs/{jobId}/versions", new { comment = "v1" })).EnsureSuccessStatusCode();
        return jobId;
    }

    private async Task<int> RunCountAsync(Guid jobId)
    {
        await using var db = host.Database.CreateContext(host.WorkspaceA);
        return await db.Set<JobRun>().CountAsync(r => r.JobId == jobId);
    }

    private static async Task<Guid> RunIdOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run").GetProperty("id").GetGuid();

    private static HttpRequestMessage Start(Guid jobId, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/jobs/{jobId}/runs") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_starts_one_run_and_returns_it_both_times()
    {
        var jobId = await NewPublishedJobAsync();
        using var client = host.Client("Operator");
        var key = Guid.NewGuid().ToString();

        using var first = await client.SendAsync(Start(jobId, key));
        using var second = await client.SendAsync(Start(jobId, key));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await RunIdOf(first), await RunIdOf(second));
        Assert.Equal(1, await RunCountAsync(jobId));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_idempotency_key_start_one_run()
    {
        var jobId = await NewPublishedJobAsync();
        using var a = host.Client("Operator");
        using var b = host.Client("Admin");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? a : b).SendAsync(Start(jobId, key))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Single((await Task.WhenAll(responses.Select(RunIdOf))).Distinct());
        Assert.Equal(1, await RunCountAsync(jobId));
    }

    [Fact]
    public async Task An_idempotency_key_reused_for_another_job_is_refused_with_422()
    {
        var jobA = await NewPublishedJobAsync();
        var jobB = await NewPublishedJobAsync();
        using var client = host.Client("Operator");
        var key = Guid.NewGuid().ToString();
        (await client.SendAsync(Start(jobA, key))).EnsureSuccessStatusCode();

        using var reused = await client.SendAsync(Start(jobB, key));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal(0, await RunCountAsync(jobB));
    }

    [Fact]
    public async Task Saving_a_draft_with_a_stale_etag_answers_409_and_keeps_the_newer_save()
    {
        var jobId = await NewPublishedJobAsync();
        using var client = host.Client("Developer");
        var read = await client.GetAsync($"/api/v1/jobs/{jobId}");
        var etag = read.Headers.ETag!.Tag;

        HttpRequestMessage Save(string sql, string? ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/jobs/{jobId}/draft")
            {
                Content = JsonContent.Create(new { sql, dataSourceId = host.DataSourceId }),
            };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            return request;
        }

        using var first = await client.SendAsync(Save("select 'first';", etag));
        using var stale = await client.SendAsync(Save("select 'stale';", etag));
        using var missing = await client.SendAsync(Save("select 'blind';", null));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(etag, first.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        Assert.Equal((HttpStatusCode)428, missing.StatusCode);
        var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}");
        Assert.Equal("select 'first';", job.GetProperty("draftSql").GetString());
    }

    [Fact]
    public async Task A_disabled_users_token_stops_working_at_once()
    {
        var (_, userId) = await Fixtures.MemberSeed.CreateAsync(host.Database, WorkspaceRole.Viewer, host.WorkspaceA, "leaver");
        var token = await host.TokenAsync(userId, host.WorkspaceA, ApiScopes.Read);
        using var client = host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/jobs")).StatusCode);

        await using (var db = host.Database.CreateContext())
        {
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/jobs")).StatusCode);
    }

    [Fact]
    public async Task A_read_scoped_token_of_an_admin_cannot_start_runs()
    {
        var token = await host.TokenAsync(host.UserIds[WorkspaceRole.Admin], host.WorkspaceA, ApiScopes.Read);
        using var client = host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await client.PostAsJsonAsync($"/api/v1/jobs/{host.JobId}/runs", new { });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_token_in_the_query_string_authenticates_nothing()
    {
        using var client = host.Client();

        using var response = await client.GetAsync($"/api/v1/jobs?access_token={host.Tokens["Admin"]}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_scope_above_the_users_role_is_refused_when_created()
    {
        await using var scope = host.ActAs(host.UserIds[WorkspaceRole.Viewer]);
        var tokens = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ApiTokenService>(scope.ServiceProvider);

        var error = await Assert.ThrowsAsync<AllData.Domain.Common.DomainException>(() =>
            tokens.CreateAsync("too much", host.WorkspaceA, ApiScopes.Read | ApiScopes.Run, DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Contains("Operator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_used_token_records_when_and_from_where()
    {
        var token = await host.TokenAsync(host.UserIds[WorkspaceRole.Viewer], host.WorkspaceA, ApiScopes.Read);
        using var client = host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await client.GetAsync("/api/v1/runs")).EnsureSuccessStatusCode();

        await using var db = host.Database.CreateContext();
        var stored = await db.Set<ApiToken>().SingleAsync(t => t.TokenHash == ApiTokenService.Hash(token));
        Assert.NotNull(stored.LastUsedAt);
        Assert.Equal("127.0.0.1", stored.LastUsedFrom);
        Assert.DoesNotContain(token, stored.TokenHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Following_a_runs_logs_streams_lines_after_since_until_the_run_ends()
    {
        var jobId = await NewPublishedJobAsync();
        using var client = host.Client("Operator");
        var runId = await RunIdOf(await client.PostAsJsonAsync($"/api/v1/jobs/{jobId}/runs", new { }));

        var body = await client.GetStringAsync($"/api/v1/runs/{runId}/logs?since=0&follow=true");

        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(lines);
        var sequences = lines.Select(l => l.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        var after = await client.GetStringAsync($"/api/v1/runs/{runId}/logs?since={sequences[0]}");
        Assert.Equal(lines.Count - 1, after.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
