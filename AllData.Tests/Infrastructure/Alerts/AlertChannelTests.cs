using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AllData.Domain.Alerts;
using AllData.Infrastructure.Alerts;
using Microsoft.EntityFrameworkCore;
using netDumbster.smtp;

namespace AllData.Tests.Infrastructure.Alerts;

/// <summary>"Send test" on each channel kind against a local receiver that checks the vendor's payload and signature.</summary>
public sealed class AlertChannelTests : IAsyncLifetime
{
    private readonly AlertsHost _host = new();
    private HttpReceiver _receiver = default!;

    public async Task InitializeAsync()
    {
        await _host.InitializeAsync();
        _receiver = await HttpReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _host.DisposeAsync();
    }

    private async Task<(AlertSendResult Result, ReceivedRequest Request)> SendTestAsync(AlertChannelKind kind, string path, string? secret)
    {
        await using var scope = _host.Scope();
        var alerts = AlertsHost.Alerts(scope);
        var id = await alerts.SaveChannelAsync(null, new AlertChannelInput(kind.ToString(), kind, new AlertChannelSettings(), _receiver.Url + path, secret, null));
        var result = await alerts.SendTestAsync(id);
        return (result, Assert.Single(_receiver.Requests));
    }

    private static string Hmac(byte[] key, string data) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data)));

    [Fact]
    public async Task DingTalk_gets_markdown_with_timestamp_and_sign_in_the_url()
    {
        var (result, request) = await SendTestAsync(AlertChannelKind.DingTalk, "/robot/send?access_token=tok", "SECabc");
        Assert.True(result.Succeeded, result.Error);
        var query = System.Web.HttpUtility.ParseQueryString(request.Query);
        Assert.Equal("tok", query["access_token"]);
        var timestamp = query["timestamp"]!;
        Assert.Equal(_host.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);
        Assert.Equal(Hmac(Encoding.UTF8.GetBytes("SECabc"), $"{timestamp}\nSECabc"), query["sign"]);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.Equal("markdown", doc.RootElement.GetProperty("msgtype").GetString());
        Assert.Equal("[FIRING] DingTalk", doc.RootElement.GetProperty("markdown").GetProperty("title").GetString());
        Assert.Contains("Test message", doc.RootElement.GetProperty("markdown").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DingTalk_error_code_in_a_200_answer_is_a_failure()
    {
        _receiver.Answer = _ => (200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
        var (result, _) = await SendTestAsync(AlertChannelKind.DingTalk, "/robot/send?access_token=tok", "SECabc");
        Assert.False(result.Succeeded);
        Assert.Equal("errcode 310000: sign not match", result.Error);
    }

    [Fact]
    public async Task Feishu_gets_text_with_timestamp_and_sign_in_the_body()
    {
        var (result, request) = await SendTestAsync(AlertChannelKind.Feishu, "/open-apis/bot/v2/hook/abc", "fsecret");
        Assert.True(result.Succeeded, result.Error);
        using var doc = JsonDocument.Parse(request.Body);
        var timestamp = doc.RootElement.GetProperty("timestamp").GetString()!;
        Assert.Equal(_host.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);
        Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\nfsecret"), Array.Empty<byte>())),
            doc.RootElement.GetProperty("sign").GetString());
        Assert.Equal("text", doc.RootElement.GetProperty("msg_type").GetString());
        Assert.StartsWith("[FIRING] Feishu\n", doc.RootElement.GetProperty("content").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeCom_gets_markdown_content()
    {
        var (result, request) = await SendTestAsync(AlertChannelKind.WeCom, "/cgi-bin/webhook/send?key=k1", null);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("?key=k1", request.Query);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.Equal("markdown", doc.RootElement.GetProperty("msgtype").GetString());
        Assert.StartsWith("**[FIRING] WeCom**\n", doc.RootElement.GetProperty("markdown").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slack_gets_text()
    {
        _receiver.Answer = _ => (200, "ok");
        var (result, request) = await SendTestAsync(AlertChannelKind.Slack, "/services/T0/B0/x", null);
        Assert.True(result.Succeeded, result.Error);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.StartsWith("*[FIRING] Slack*\n", doc.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_body_is_signed_with_hmac_sha256_of_timestamp_and_body()
    {
        var (result, request) = await SendTestAsync(AlertChannelKind.Webhook, "/hook", "whsec");
        Assert.True(result.Succeeded, result.Error);
        var timestamp = request.Headers[WebhookSender.TimestampHeader];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec"), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        Assert.Equal(expected, request.Headers[WebhookSender.SignatureHeader]);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.Equal("firing", doc.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Email_test_reaches_the_smtp_server_in_the_workspace_language()
    {
        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        await using var scope = _host.Scope();
        var alerts = AlertsHost.Alerts(scope);
        await alerts.SetLanguageAsync("zh-CN");
        var id = await alerts.SaveChannelAsync(null, new AlertChannelInput("mail", AlertChannelKind.Email,
            new AlertChannelSettings { SmtpHost = "127.0.0.1", SmtpPort = smtp.Configuration.Port, SmtpSecurity = SmtpSecurity.None, From = "a@example.com", To = "b@example.com; c@example.com" },
            null, null, null));
        var result = await alerts.SendTestAsync(id);
        Assert.True(result.Succeeded, result.Error);
        var mail = Assert.Single(smtp.ReceivedEmail);
        Assert.Equal("【告警】mail", mail.Subject);
        Assert.Equal(["b@example.com", "c@example.com"], mail.ToAddresses.Select(a => a.Address).Order());
    }

    [Fact]
    public async Task Secrets_are_encrypted_at_rest_and_never_shown_back()
    {
        await using var scope = _host.Scope();
        var alerts = AlertsHost.Alerts(scope);
        var id = await alerts.SaveChannelAsync(null, new AlertChannelInput("ding", AlertChannelKind.DingTalk, new AlertChannelSettings(),
            "https://oapi.dingtalk.com/robot/send?access_token=TOKEN123", "SECsecret456", null));
        var row = Assert.Single(await alerts.ListChannelsAsync());
        Assert.Equal("https://oapi.dingtalk.com/…", row.UrlHint);
        Assert.True(row.HasSigningSecret);
        Assert.DoesNotContain("TOKEN123", JsonSerializer.Serialize(row), StringComparison.Ordinal);
        await using var db = _host.Database.CreateContext(_host.WorkspaceId);
        var stored = await db.Set<AlertChannel>().AsNoTracking().SingleAsync();
        Assert.DoesNotContain("TOKEN123", stored.ProtectedSecrets + stored.SettingsJson, StringComparison.Ordinal);
        Assert.DoesNotContain("SECsecret456", stored.ProtectedSecrets + stored.SettingsJson, StringComparison.Ordinal);

        // Saving again without secrets keeps them.
        await alerts.SaveChannelAsync(id, new AlertChannelInput("ding 2", AlertChannelKind.DingTalk, new AlertChannelSettings(), null, null, null));
        Assert.True(Assert.Single(await alerts.ListChannelsAsync()).HasSigningSecret);
    }
}
