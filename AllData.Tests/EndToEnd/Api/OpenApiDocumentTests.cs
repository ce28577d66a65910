using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AllData.Tests.Architecture;

namespace AllData.Tests.EndToEnd.Api;

/// <summary>
/// The OpenAPI document the app generates is checked in under docs/openapi/v1.json. When the API changes, regenerate it:
/// <c>ALLDATA_UPDATE_OPENAPI=1 dotnet test AllData.Tests -c Release --filter "FullyQualifiedName~OpenApiDocumentTests"</c>,
/// then review and commit the diff.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiHost host)
{
    private static readonly string CheckedIn = Path.Combine(RepoRoot.Path, "docs", "openapi", "v1.json");
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private async Task<JsonNode> GeneratedAsync()
    {
        using var client = host.Client("Viewer");
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task The_checked_in_document_matches_the_code()
    {
        var generated = (await GeneratedAsync()).ToJsonString(Indented) + "\n";
        if (Environment.GetEnvironmentVariable("ALLDATA_UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CheckedIn)!);
            await File.WriteAllTextAsync(CheckedIn, generated);
        }

        Assert.True(File.Exists(CheckedIn), $"{CheckedIn} is missing: run the tests with ALLDATA_UPDATE_OPENAPI=1 to write it.");
        var stored = JsonNode.Parse(await File.ReadAllTextAsync(CheckedIn))!.ToJsonString(Indented) + "\n";
        Assert.True(stored == generated,
            "docs/openapi/v1.json differs from the API the code serves. Regenerate it with ALLDATA_UPDATE_OPENAPI=1 " +
            "dotnet test AllData.Tests -c Release --filter \"FullyQualifiedName~OpenApiDocumentTests\" and commit the change.");
    }

    [Fact]
    public async Task Every_operation_has_a_summary_and_documents_its_auth_errors()
    {
        var paths = (await GeneratedAsync())["paths"]!.AsObject();
        Assert.NotEmpty(paths);
        foreach (var (path, item) in paths)
        {
            Assert.StartsWith("/api/v1/", path, StringComparison.Ordinal);
            foreach (var (method, operation) in item!.AsObject())
            {
                Assert.False(string.IsNullOrWhiteSpace(operation!["summary"]?.GetValue<string>()), $"{method} {path} has no summary.");
                var responses = operation["responses"]!.AsObject();
                Assert.True(responses.ContainsKey("401") && responses.ContainsKey("403"), $"{method} {path} does not document 401 and 403.");
            }
        }
    }

    [Fact]
    public async Task The_document_needs_a_signed_in_caller_and_the_reference_page_sends_strangers_to_sign_in()
    {
        using var anonymous = host.Client();
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var noRedirect = new HttpClient(handler) { BaseAddress = new Uri(host.BaseUrl) };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        var docs = await noRedirect.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.Redirect, docs.StatusCode);
        Assert.Contains("/account/login", docs.Headers.Location!.ToString(), StringComparison.Ordinal);
    }
}
