using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Flink;

/// <summary>The JAR resource store for the acting user: everyone in a workspace lists, Developers upload and delete.</summary>
internal sealed class FlinkJarService(WorkspaceContext workspace, FlinkJarStore store, IOptions<FlinkJarOptions> options)
{
    public long MaxBytes => options.Value.MaxBytes;

    public async Task<IReadOnlyList<FlinkJarResource>> ListAsync(CancellationToken ct = default)
    {
        await workspace.RequireWorkspaceAsync(ct);
        return store.List();
    }

    public async Task<FlinkJarResource> UploadAsync(Stream content, string fileName, CancellationToken ct = default)
    {
        await RequireDeveloperAsync(ct);
        return await store.SaveAsync(content, fileName, ct);
    }

    public async Task DeleteAsync(string sha256, CancellationToken ct = default)
    {
        await RequireDeveloperAsync(ct);
        store.Delete(sha256);
    }

    private async Task RequireDeveloperAsync(CancellationToken ct)
    {
        (await workspace.RequireWorkspaceAsync(ct)).Require(WorkspaceRole.Developer, "manage JARs");
    }
}
