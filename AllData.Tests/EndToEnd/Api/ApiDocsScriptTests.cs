using System.Diagnostics;
using System.Text.RegularExpressions;
using AllData.Domain.Identity;
using AllData.Tests.Architecture;

namespace AllData.Tests.EndToEnd.Api;

/// <summary>The CI script in docs/api.md, run with bash and curl against the real app: it publishes a job and runs it.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class ApiDocsScriptTests(ApiHost host)
{
    [Fact]
    public async Task The_ci_script_in_the_docs_publishes_and_runs_a_job()
    {
        var markdown = await File.ReadAllTextAsync(Path.Combine(RepoRoot.Path, "docs", "api.md"));
        var script = Script().Match(markdown);
        Assert.True(script.Success, "docs/api.md has no ```bash block between <!-- ci-script --> markers.");
        var file = Path.Combine(Path.GetTempPath(), $"alldata-ci-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(file, script.Groups[1].Value);
        Guid jobId;
        await using (var scope = host.ActAs(host.UserIds[WorkspaceRole.Developer]))
        {
            jobId = await host.CreateJobAsync(scope.ServiceProvider, "select 42 as answer;");
        }

        var start = new ProcessStartInfo("bash", [file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ALLDATA_URL"] = host.BaseUrl;
        start.Environment["ALLDATA_TOKEN"] = await host.TokenAsync(host.UserIds[WorkspaceRole.Developer], host.WorkspaceA, ApiScopes.Read | ApiScopes.Run | ApiScopes.Write);
        start.Environment["JOB_ID"] = jobId.ToString();
        start.Environment["CI_PIPELINE_ID"] = Guid.NewGuid().ToString("N");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        File.Delete(file);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Contains("published version 1", await stdout, StringComparison.Ordinal);
        Assert.Contains("Finished", await stdout, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"<!-- ci-script -->\s*```bash\n(.*?)```\s*<!-- /ci-script -->", RegexOptions.Singleline)]
    private static partial Regex Script();
}
