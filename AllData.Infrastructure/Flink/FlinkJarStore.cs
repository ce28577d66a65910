using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text.Json;
using AllData.Domain.Common;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Flink;

/// <summary>Where uploaded JARs are kept (configuration section <c>Flink:Jars</c>).</summary>
public sealed class FlinkJarOptions
{
    public const string Section = "Flink:Jars";

    [Required]
    public string Directory { get; set; } = ".alldata/jars";

    [Range(1, 4L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 512L * 1024 * 1024;
}

/// <summary>A JAR in the resource store, named by the SHA-256 of its content.</summary>
public sealed record FlinkJarResource(string Sha256, string FileName, long Size, DateTimeOffset UploadedAt);

/// <summary>
/// The JAR resource store: a directory of <c>&lt;sha256&gt;.jar</c> files with a small JSON sidecar each. The same content
/// uploaded twice is stored once. Files are written to a temporary name and moved into place when complete.
/// </summary>
public sealed class FlinkJarStore(IOptions<FlinkJarOptions> options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string Root
    {
        get
        {
            var root = Path.GetFullPath(options.Value.Directory);
            System.IO.Directory.CreateDirectory(root);
            return root;
        }
    }

    public async Task<FlinkJarResource> SaveAsync(Stream content, string fileName, CancellationToken ct = default)
    {
        var name = Path.GetFileName(fileName ?? string.Empty);
        if (!name.EndsWith(".jar", StringComparison.OrdinalIgnoreCase) || name.Length > 200 || name.IndexOfAny(['"', '/', '\\']) >= 0)
        {
            throw new DomainException("Upload a .jar file.");
        }

        var temp = Path.Combine(Root, $".upload-{Guid.NewGuid():N}");
        long size = 0;
        string sha;
        try
        {
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            await using (var file = File.Create(temp))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > options.Value.MaxBytes)
                    {
                        throw new DomainException($"A JAR has at most {options.Value.MaxBytes / (1024 * 1024)} MB.");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }

                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var resource = Find(sha);
            if (resource is not null)
            {
                return resource;
            }

            File.Move(temp, JarPath(sha), overwrite: true);
            resource = new FlinkJarResource(sha, name, size, clock.GetUtcNow());
            await File.WriteAllTextAsync(MetaPath(sha), JsonSerializer.Serialize(resource, Json), ct);
            return resource;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public IReadOnlyList<FlinkJarResource> List() =>
        [.. System.IO.Directory.EnumerateFiles(Root, "*.json").Select(f => Find(Path.GetFileNameWithoutExtension(f))).OfType<FlinkJarResource>()
            .OrderByDescending(j => j.UploadedAt)];

    public FlinkJarResource? Find(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower) || !File.Exists(MetaPath(sha256)) || !File.Exists(JarPath(sha256)))
        {
            return null;
        }

        return JsonSerializer.Deserialize<FlinkJarResource>(File.ReadAllText(MetaPath(sha256)), Json);
    }

    public Stream Open(string sha256) =>
        Find(sha256) is null ? throw new DomainException("That JAR is not in the resource store.") : File.OpenRead(JarPath(sha256));

    public void Delete(string sha256)
    {
        if (Find(sha256) is null)
        {
            throw new DomainException("That JAR is not in the resource store.");
        }

        File.Delete(MetaPath(sha256));
        File.Delete(JarPath(sha256));
    }

    private string JarPath(string sha) => Path.Combine(Root, sha + ".jar");

    private string MetaPath(string sha) => Path.Combine(Root, sha + ".json");
}
