using AllData.Domain.Common;
using AllData.Domain.Flink;

namespace AllData.Tests.Domain.Flink;

public sealed class FlinkJobIdTests
{
    [Fact]
    public void A_32_hex_id_is_accepted_and_normalised_to_lower_case() =>
        Assert.Equal("0123456789abcdef0123456789abcdef", FlinkJobId.Parse("0123456789ABCDEF0123456789abcdef").Value);

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    [InlineData("01234567-89ab-cdef-0123-456789abcdef")]
    public void Anything_but_32_hex_characters_is_rejected(string value)
    {
        Assert.False(FlinkJobId.TryParse(value, out _));
        Assert.Throws<DomainException>(() => FlinkJobId.Parse(value));
    }

    [Fact]
    public void New_ids_are_valid_and_distinct()
    {
        var a = FlinkJobId.NewId();
        Assert.True(FlinkJobId.TryParse(a.Value, out var parsed));
        Assert.Equal(a, parsed);
        Assert.NotEqual(a, FlinkJobId.NewId());
    }
}
