using System.Text.RegularExpressions;
using System.Xml.Linq;
using AllData.Domain.Identity;

namespace AllData.Tests.Architecture;

/// <summary>Every UI string the code asks for exists in English and Simplified Chinese.</summary>
public sealed partial class LocalizationTests
{
    private static readonly string WebDir = Path.Combine(RepoRoot.Path, "AllData.Web");

    private static Dictionary<string, string> Load(string file) =>
        XDocument.Load(file).Root!.Elements("data").ToDictionary(e => e.Attribute("name")!.Value, e => e.Element("value")!.Value);

    public static TheoryData<string> ResourceNames()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(WebDir, "Resources"), "*.resx").Where(f => !f.Contains(".zh-CN.", StringComparison.Ordinal)))
        {
            data.Add(Path.GetFileNameWithoutExtension(f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ResourceNames))]
    public void English_and_chinese_resources_have_the_same_keys_and_no_empty_values(string name)
    {
        var en = Load(Path.Combine(WebDir, "Resources", name + ".resx"));
        var zh = Load(Path.Combine(WebDir, "Resources", name + ".zh-CN.resx"));
        Assert.Empty(en.Keys.Except(zh.Keys));
        Assert.Empty(zh.Keys.Except(en.Keys));
        Assert.Empty(zh.Where(kv => string.IsNullOrWhiteSpace(kv.Value)).Select(kv => kv.Key));
    }

    [Fact]
    public void Every_literal_key_used_with_a_localizer_exists_in_its_resource()
    {
        var resources = Directory.GetFiles(Path.Combine(WebDir, "Resources"), "*.resx")
            .Where(f => !f.Contains(".zh-CN.", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => Load(f).Keys.ToHashSet());
        var missing = new List<string>();
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            foreach (var (variable, resource) in LocalizersOf(file, text))
            {
                if (!resources.TryGetValue(resource, out var keys))
                {
                    missing.Add($"{Path.GetFileName(file)}: no resource file for {resource}");
                    continue;
                }

                foreach (Match m in new Regex($$"""(?<![\w.]){{Regex.Escape(variable)}}\["((?:[^"\\]|\\.)+)"[\],]""").Matches(text))
                {
                    if (!keys.Contains(m.Groups[1].Value))
                    {
                        missing.Add($"{Path.GetFileName(file)} ({resource}): {m.Groups[1].Value}");
                    }
                }
            }
        }

        Assert.Empty(missing);
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(WebDir, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>The localizers a file can use: its own injections, and those of the _Imports.razor files above it.</summary>
    private static Dictionary<string, string> LocalizersOf(string file, string text)
    {
        var found = new Dictionary<string, string>();
        var sources = new List<string>();
        if (file.EndsWith(".razor", StringComparison.Ordinal))
        {
            for (var dir = Path.GetDirectoryName(file); dir is not null && dir.StartsWith(WebDir, StringComparison.Ordinal); dir = Path.GetDirectoryName(dir))
            {
                var imports = Path.Combine(dir, "_Imports.razor");
                if (File.Exists(imports))
                {
                    sources.Add(File.ReadAllText(imports));
                }
            }
        }

        sources.Add(text);
        foreach (var source in sources)
        {
            foreach (Match m in Injection().Matches(source))
            {
                found[m.Groups[2].Value] = m.Groups[1].Value;
            }
        }

        return found;
    }

    [GeneratedRegex(@"IStringLocalizer<(\w+Resource)>\s+(\w+)")]
    private static partial Regex Injection();

    [Fact]
    public void Every_role_has_a_name_and_a_description()
    {
        var keys = Load(Path.Combine(WebDir, "Resources", "SharedResource.resx")).Keys.ToHashSet();
        foreach (var role in Enum.GetValues<WorkspaceRole>())
        {
            Assert.Contains($"Role.{role}", keys);
            Assert.Contains($"Role.{role}.Description", keys);
        }
    }

}

internal static class RepoRoot
{
    public static readonly string Path = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "AllData.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("AllData.sln not found above the test output.");
    }
}
