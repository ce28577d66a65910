using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using AllData.Domain.Common;
using AllData.Domain.Jobs;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AllData.Infrastructure.Jobs;

public enum BundleFormat
{
    Yaml,
    Json,
}

/// <summary>
/// A <see cref="JobBundle"/> as YAML or JSON text. One model: YAML is written from and read into the same JSON tree,
/// with SQL as literal blocks. Unknown fields are refused (a typo never silently drops a setting); empty lists are left out.
/// </summary>
public static partial class JobBundleText
{
    /// <summary>The largest bundle read (the API and the upload refuse bigger ones before reading).</summary>
    public const int MaxBytes = 8 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
        // Computed, get-only properties (a job's name from its path, a spec's first column) are not part of the text.
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    foreach (var property in info.Properties.Where(p => p.Set is null && info.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object).ToList())
                    {
                        info.Properties.Remove(property);
                    }
                },
            },
        },
    };

    public static string Write(object value, BundleFormat format) => format == BundleFormat.Json ? ToJson(value) : ToYaml(value);

    public static string ToJson(object value) => Prune(JsonSerializer.SerializeToNode(value, value.GetType(), Json))?.ToJsonString(Json) ?? "null";

    public static string ToYaml(object value)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text, bestIndent: 2, bestWidth: int.MaxValue);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, Prune(JsonSerializer.SerializeToNode(value, value.GetType(), Json)));
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    /// <summary>Reads a bundle (JSON when it starts with '{', YAML otherwise); throws a <see cref="DomainException"/> naming the line or field.</summary>
    public static JobBundle Read(string text)
    {
        if (text.Length > MaxBytes)
        {
            throw new DomainException($"A bundle has at most {MaxBytes / 1024 / 1024} MB.");
        }

        var trimmed = text.TrimStart();
        if (trimmed.Length == 0)
        {
            throw new DomainException("The bundle is empty.");
        }

        JsonNode? tree;
        if (trimmed[0] == '{')
        {
            try
            {
                tree = JsonNode.Parse(trimmed);
            }
            catch (JsonException e)
            {
                throw new DomainException($"The JSON is not valid (line {e.LineNumber + 1}): {FirstSentence(e.Message)}");
            }
        }
        else
        {
            tree = FromYaml(trimmed);
        }

        if (tree is not JsonObject)
        {
            throw new DomainException("A bundle is a mapping with format, folders, jobs, tables and alerts.");
        }

        try
        {
            return tree.Deserialize<JobBundle>(Json) ?? throw new DomainException("The bundle is empty.");
        }
        catch (JsonException e) when (e.Message.Contains("could not be mapped", StringComparison.Ordinal) && e.Path is { } path)
        {
            var at = path.TrimStart('$', '.');
            var dot = at.LastIndexOf('.');
            throw new DomainException(dot < 0
                ? $"'{at}' is not a field of a bundle (format, folders, jobs, tables, alerts)."
                : $"At {at[..dot]}: '{at[(dot + 1)..]}' is not a known field.");
        }
        catch (JsonException e)
        {
            throw new DomainException($"At {(e.Path ?? "$").TrimStart('$', '.')}: {FirstSentence(e.Message)}");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new DomainException("The bundle could not be read: " + FirstSentence(e.Message));
        }
    }

    private static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new DomainException($"The YAML is not valid (line {e.Start.Line}): {FirstSentence(e.Message)}");
        }

        if (stream.Documents.Count != 1)
        {
            throw new DomainException("A bundle is one YAML document.");
        }

        return ToNode(stream.Documents[0].RootNode);
    }

    private static JsonNode? ToNode(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? throw new DomainException($"Line {key.Start.Line}: a key must be a plain name.");
                    if (obj.ContainsKey(name))
                    {
                        throw new DomainException($"Line {key.Start.Line}: '{name}' is given twice.");
                    }

                    obj[name] = ToNode(value);
                }

                return obj;
            case YamlSequenceNode list:
                var array = new JsonArray();
                foreach (var item in list.Children)
                {
                    array.Add(ToNode(item));
                }

                return array;
            case YamlScalarNode { Style: ScalarStyle.Plain } plain:
                return Plain(plain.Value ?? string.Empty);
            case YamlScalarNode scalar:
                return JsonValue.Create(scalar.Value ?? string.Empty);
            default:
                throw new DomainException($"Line {node.Start.Line}: aliases and anchors are not read in bundles.");
        }
    }

    /// <summary>A plain YAML scalar: null, a boolean, a number or text (YAML 1.2 core schema).</summary>
    private static JsonValue? Plain(string value) => value switch
    {
        "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ when IntegerText().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        _ when NumberText().IsMatch(value) && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    emitter.Emit(new Scalar(key));
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case null:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, StyleOf(text), isPlainImplicit: true, isQuotedImplicit: true));
                break;
            default:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, node.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    /// <summary>Multi-line text (SQL) as a literal block; text a plain scalar would read as something else, quoted.</summary>
    private static ScalarStyle StyleOf(string text)
    {
        if (text.Contains('\n', StringComparison.Ordinal) && !text.Contains('\r', StringComparison.Ordinal) && !text.Contains('\t', StringComparison.Ordinal)
            && !text.Split('\n').Any(l => l.EndsWith(' ')) && !text.StartsWith(' ') && !text.StartsWith('\n'))
        {
            return ScalarStyle.Literal;
        }

        return text.Length == 0 || Plain(text) is not JsonValue v || v.GetValueKind() != JsonValueKind.String || text.Contains('\n', StringComparison.Ordinal)
            ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Any;
    }

    /// <summary>Leaves out empty lists and maps (and nulls): the text shows what is set.</summary>
    private static JsonNode? Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var value = Prune(obj[key]);
                    if (value is null || value is JsonArray { Count: 0 } || value is JsonObject { Count: 0 })
                    {
                        obj.Remove(key);
                    }
                }

                return obj;
            case JsonArray array:
                foreach (var item in array)
                {
                    Prune(item);
                }

                return array;
            default:
                return node;
        }
    }

    private static string FirstSentence(string message) => message.Split(". ", 2)[0].TrimEnd('.') + ".";

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberText();
}
