using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AllData.Tests.Fakes.Flink;

/// <summary>The Flink releases whose REST specs the fake serves (shared/flink-rest).</summary>
public enum FlinkRelease
{
    Flink1_20,
    Flink2_0,
    Master,
}

/// <summary>The JobManager spec and the SQL Gateway specs of one Flink release, with the documented wire corrections applied.</summary>
public sealed class FlinkSpecSet
{
    private static readonly ConcurrentDictionary<FlinkRelease, Lazy<FlinkSpecSet>> Cache = new();

    private FlinkSpecSet(FlinkRelease release)
    {
        Release = release;
        var folder = release switch
        {
            FlinkRelease.Flink1_20 => Path.Combine(SpecRoot, "flink-1.20"),
            FlinkRelease.Flink2_0 => Path.Combine(SpecRoot, "flink-2.0"),
            _ => SpecRoot,
        };
        Dispatcher = SpecDocument.Load(Path.Combine(folder, "rest_v1_dispatcher.yml"), SpecKind.JobManager);
        Gateway = Enumerable.Range(1, 4)
            .Select(v => (v, file: Path.Combine(folder, $"rest_v{v}_sql_gateway.yml")))
            .Where(x => File.Exists(x.file))
            .ToDictionary(x => x.v, x => SpecDocument.Load(x.file, SpecKind.SqlGateway));
    }

    public FlinkRelease Release { get; }

    public SpecDocument Dispatcher { get; }

    /// <summary>Gateway spec per API version this release serves (1.20: V1–V3; 2.0 and master: V1–V4).</summary>
    public IReadOnlyDictionary<int, SpecDocument> Gateway { get; }

    /// <summary>The version an unversioned gateway request is served by: the highest one.</summary>
    public int DefaultGatewayVersion => Gateway.Keys.Max();

    /// <summary>The Flink version the fake reports for this release.</summary>
    public string FlinkVersion => Release switch
    {
        FlinkRelease.Flink1_20 => "1.20.1",
        FlinkRelease.Flink2_0 => "2.0.0",
        _ => "2.4-SNAPSHOT",
    };

    public static FlinkSpecSet For(FlinkRelease release) =>
        Cache.GetOrAdd(release, r => new Lazy<FlinkSpecSet>(() => new FlinkSpecSet(r))).Value;

    /// <summary>shared/flink-rest beside the repository (or ALLDATA_FLINK_SPECS).</summary>
    public static string SpecRoot { get; } = FindSpecRoot();

    private static string FindSpecRoot()
    {
        if (Environment.GetEnvironmentVariable("ALLDATA_FLINK_SPECS") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "flink-rest");
            if (File.Exists(Path.Combine(candidate, "rest_v1_dispatcher.yml")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/flink-rest (the Flink REST specs) was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>YAML → System.Text.Json nodes, keeping quoted scalars as strings.</summary>
internal static class YamlJson
{
    public static JsonNode? Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            yaml.Load(reader);
        }

        return Convert(yaml.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode { Style: ScalarStyle.Plain } s => Plain(s.Value),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType}."),
    };

    private static JsonValue? Plain(string? value) => value switch
    {
        null or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };
}
