using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AllData.Tests.EndToEnd.Api;

/// <summary>Export and import over HTTP: YAML out, a dry run, the apply guarded by the dry run's fingerprint, and refusals at their place.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiBundleTests(ApiHost host)
{
    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    [Fact]
    public async Task A_folder_exported_as_yaml_imports_into_a_new_folder_after_a_dry_run()
    {
        using var developer = host.Client("Developer");
        var folder = "bundle_" + Guid.NewGuid().ToString("N")[..6];
        var yaml = $"""
            format: alldata.bundle/v1
            jobs:
            - path: staging/extract
              type: DatabaseSql
              dataSource: warehouse
              sql: |-
                SELECT 1 AS one;
                SELECT 2 AS two;
            """;

        using var plan = await developer.PostAsync($"/api/v1/import?folder={folder}&dryRun=true", Yaml(yaml));
        Assert.Equal(HttpStatusCode.NotFound, plan.StatusCode);
        using var created = await developer.PostAsJsonAsync("/api/v1/import?dryRun=true", new { });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        // The folder exists once the root import created it; the dry run creates nothing.
        var root = $"format: alldata.bundle/v1\nfolders:\n- {folder}\n";
        var rootPlan = await (await developer.PostAsync("/api/v1/import?dryRun=true", Yaml(root))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, rootPlan.GetProperty("creates").GetInt32());
        using var rootApplied = await developer.PostAsync("/api/v1/import", Yaml(root));
        Assert.Equal(HttpStatusCode.OK, rootApplied.StatusCode);

        using var dryRun = await developer.PostAsync($"/api/v1/import?folder={folder}&dryRun=true", Yaml(yaml));
        var dry = await dryRun.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(dry.GetProperty("canApply").GetBoolean(), dry.ToString());
        Assert.False(dry.GetProperty("applied").GetBoolean());
        Assert.Equal(["Folder:staging", "Job:staging/extract"],
            dry.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("item").GetString() + ":" + i.GetProperty("key").GetString()));
        Assert.Contains("+  SELECT 2 AS two;", dry.GetProperty("items")[1].GetProperty("diff").GetString(), StringComparison.Ordinal);

        using var apply = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/import?folder={folder}") { Content = Yaml(yaml) };
        apply.Headers.TryAddWithoutValidation("If-Match", $"\"{dry.GetProperty("fingerprint").GetString()}\"");
        using var applied = await developer.SendAsync(apply);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.True((await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applied").GetBoolean());

        // The same If-Match again: the plan is now empty, so it is another plan.
        using var again = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/import?folder={folder}") { Content = Yaml(yaml) };
        again.Headers.TryAddWithoutValidation("If-Match", $"\"{dry.GetProperty("fingerprint").GetString()}\"");
        Assert.Equal(HttpStatusCode.Conflict, (await developer.SendAsync(again)).StatusCode);

        using var exported = await developer.GetAsync($"/api/v1/export?folder={folder}");
        Assert.Equal("application/yaml", exported.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"filename=\"{folder}.yaml\"", exported.Content.Headers.ContentDisposition?.ToString() ?? exported.Headers.ToString(), StringComparison.Ordinal);
        var text = await exported.Content.ReadAsStringAsync();
        Assert.Contains("path: staging/extract", text, StringComparison.Ordinal);
        Assert.Contains("  sql: |-\n    SELECT 1 AS one;\n    SELECT 2 AS two;", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_bundles_answer_400_with_the_place_and_a_viewer_cannot_import()
    {
        using var developer = host.Client("Developer");
        using var typo = await developer.PostAsync("/api/v1/import?dryRun=true", Yaml("format: alldata.bundle/v1\njobz: []\n"));
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Contains("jobz", await typo.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unknownSource = "format: alldata.bundle/v1\njobs:\n- path: x_" + Guid.NewGuid().ToString("N")[..6] + "\n  type: DatabaseSql\n  dataSource: nowhere\n";
        var dry = await (await developer.PostAsync("/api/v1/import?dryRun=true", Yaml(unknownSource))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(dry.GetProperty("canApply").GetBoolean());
        using var refused = await developer.PostAsync("/api/v1/import", Yaml(unknownSource));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("nowhere", errors.EnumerateObject().Single().Value[0].GetString()!, StringComparison.Ordinal);

        using var huge = await developer.PostAsync("/api/v1/import?dryRun=true", Yaml("# " + new string('x', 9 * 1024 * 1024)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        using var viewer = host.Client("Viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/v1/import?dryRun=true", Yaml("format: alldata.bundle/v1\n"))).StatusCode);
    }
}
