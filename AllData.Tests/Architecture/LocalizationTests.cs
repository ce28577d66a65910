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
    public void Every_literal_key_used_with_the_shared_localizer_exists()
    {
        var keys = Load(Path.Combine(WebDir, "Resources", "SharedResource.resx")).Keys.ToHashSet();
        var missing = new List<string>();
        foreach (var file in Directory.EnumerateFiles(WebDir, "*.*", SearchOption.AllDirectories)
                     .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                                 && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            foreach (Match m in SharedKey().Matches(File.ReadAllText(file)))
            {
                if (!keys.Contains(m.Groups[1].Value))
                {
                    missing.Add($"{Path.GetFileName(file)}: {m.Groups[1].Value}");
                }
            }
        }

        Assert.Empty(missing);
    }

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

    // L["literal"] — the shared localizer's conventional name in components; interpolated keys are checked above by kind.
    [GeneratedRegex("""(?<![\w.])L\["((?:[^"\\]|\\.)+)"\]""")]
    private static partial Regex SharedKey();
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
