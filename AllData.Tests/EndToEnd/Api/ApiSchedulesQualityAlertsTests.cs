using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AllData.Tests.EndToEnd.Api;

/// <summary>The schedules, quality and alerts endpoints: bad input answers at its field, run now keeps its logical time.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiSchedulesQualityAlertsTests(ApiHost host)
{
    private static async Task<JsonElement> FieldErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }

    [Fact]
    public async Task A_bad_cron_and_a_taken_name_answer_400_at_their_fields()
    {
        using var client = host.Client("Developer");
        using var response = await client.PostAsJsonAsync("/api/v1/schedules", new { name = "nightly", jobId = host.JobId, cron = "every day at two" });

        var errors = await FieldErrorsAsync(response);
        Assert.NotEmpty(errors.GetProperty("cron").EnumerateArray());
        Assert.Contains("name", errors.GetProperty("name")[0].GetString()!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Run_now_with_a_logical_time_puts_that_time_in_the_ledger_with_its_run()
    {
        using var client = host.Client("Operator");
        var logical = new DateTimeOffset(2025, 6, 30, 23, 0, 0, TimeSpan.Zero);

        using var fired = await client.PostAsJsonAsync($"/api/v1/schedules/{host.ScheduleId}/runs", new { logicalTime = logical });
        Assert.Equal(HttpStatusCode.Accepted, fired.StatusCode);
        var outcome = await fired.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Started", outcome.GetProperty("result").GetString());
        var runId = outcome.GetProperty("runId").GetGuid();

        var ledger = await client.GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{host.ScheduleId}/slots?pageSize=200");
        var slot = Assert.Single(ledger.GetProperty("items").EnumerateArray(), s => s.GetProperty("logicalTime").GetDateTimeOffset() == logical);
        Assert.Equal(runId, slot.GetProperty("runId").GetGuid());
        Assert.Equal("RunNow", slot.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Pause_and_resume_change_whether_the_schedule_is_enabled()
    {
        using var developer = host.Client("Developer");
        using var created = await developer.PostAsJsonAsync("/api/v1/schedules",
            new { name = "pausable_" + Guid.NewGuid().ToString("N")[..6], jobId = host.JobId, kind = "Interval", intervalSeconds = 3600 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var operatorClient = host.Client("Operator");

        var paused = await (await operatorClient.PostAsync($"/api/v1/schedules/{id}/pause", null)).Content.ReadFromJsonAsync<JsonElement>();
        var resumed = await (await operatorClient.PostAsync($"/api/v1/schedules/{id}/resume", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(paused.GetProperty("enabled").GetBoolean());
        Assert.True(resumed.GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await developer.DeleteAsync($"/api/v1/schedules/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await developer.GetAsync($"/api/v1/schedules/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_quality_rule_on_a_missing_column_answers_400_at_its_field()
    {
        using var client = host.Client("Developer");
        using var response = await client.PostAsJsonAsync($"/api/v1/quality/tables/{host.TableId}/rules", new
        {
            name = "ghost column", spec = new { type = "NotNull", columns = new[] { "no_such_column" }, threshold = new { kind = "Absolute", max = 0 } },
        });

        var errors = await FieldErrorsAsync(response);
        Assert.Contains(errors.EnumerateObject(), e => e.Value[0].GetString()!.Contains("no_such_column", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_quality_rule_without_a_name_answers_400_at_name()
    {
        using var client = host.Client("Developer");
        using var response = await client.PostAsJsonAsync($"/api/v1/quality/tables/{host.TableId}/rules", new
        {
            name = " ", spec = new { type = "NotNull", columns = new[] { "name" }, threshold = new { kind = "Absolute", max = 0 } },
        });

        Assert.True((await FieldErrorsAsync(response)).TryGetProperty("name", out _));
    }

    [Fact]
    public async Task A_scan_answers_with_its_results_and_the_table_gets_a_score()
    {
        using var client = host.Client("Operator");
        using var scanned = await client.PostAsync($"/api/v1/quality/tables/{host.TableId}/scans", null);
        Assert.Equal(HttpStatusCode.Created, scanned.StatusCode);
        var scanId = (await scanned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var details = await client.GetFromJsonAsync<JsonElement>($"/api/v1/quality/scans/{scanId}");
        var table = await client.GetFromJsonAsync<JsonElement>($"/api/v1/quality/tables/{host.TableId}");

        Assert.Contains(details.GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleName").GetString() == "name present");
        Assert.Equal(100, table.GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task An_alert_rule_without_channels_or_with_a_bad_condition_answers_400_at_the_field()
    {
        using var client = host.Client("Developer");
        using var noChannel = await client.PostAsJsonAsync("/api/v1/alerts/rules", new
        {
            name = "quiet", scope = new { kind = "AllJobs" }, condition = new { kind = "RunFailed" }, pendingMinutes = 0, groupWindowSeconds = 30,
            channelIds = Array.Empty<Guid>(),
        });
        using var badCondition = await client.PostAsJsonAsync("/api/v1/alerts/rules", new
        {
            name = "slow", scope = new { kind = "AllJobs" }, condition = new { kind = "RunUnknownFor" }, pendingMinutes = 0, groupWindowSeconds = 30,
            channelIds = new[] { host.AlertChannelId },
        });

        Assert.True((await FieldErrorsAsync(noChannel)).TryGetProperty("channelIds", out _));
        Assert.True((await FieldErrorsAsync(badCondition)).TryGetProperty("condition", out _));
    }

    [Fact]
    public async Task Acknowledging_a_firing_alert_records_who_did_it()
    {
        using var client = host.Client("Operator");
        using var response = await client.PostAsync($"/api/v1/alerts/{host.AlertId}/acknowledge", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alert = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Firing", alert.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(alert.GetProperty("acknowledgedBy").GetString()));
    }
}
