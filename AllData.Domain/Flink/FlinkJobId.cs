using System.Diagnostics.CodeAnalysis;
using AllData.Domain.Common;

namespace AllData.Domain.Flink;

/// <summary>A Flink <c>JobID</c>: 32 lower-case hexadecimal characters, as the REST API sends it.</summary>
public readonly record struct FlinkJobId
{
    private FlinkJobId(string value) => Value = value;

    public string Value { get; }

    /// <summary>Accepts upper or lower case and normalises to lower case; anything else is a <see cref="DomainException"/>.</summary>
    public static FlinkJobId Parse(string value) =>
        TryParse(value, out var id)
            ? id
            : throw new DomainException($"'{value}' is not a Flink job id (32 hexadecimal characters).");

    public static bool TryParse([NotNullWhen(true)] string? value, out FlinkJobId id)
    {
        id = default;
        if (value is not { Length: 32 } || !value.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        id = new FlinkJobId(value.ToLowerInvariant());
        return true;
    }

    /// <summary>A new random id, for example the <c>jobId</c> AllData fixes up front so a retried submission is recognised.</summary>
    public static FlinkJobId NewId() => new(Guid.NewGuid().ToString("N"));

    public override string ToString() => Value ?? string.Empty;
}
