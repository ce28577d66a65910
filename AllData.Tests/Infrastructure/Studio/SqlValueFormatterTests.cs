using AllData.Infrastructure.Studio;

namespace AllData.Tests.Infrastructure.Studio;

public sealed class SqlValueFormatterTests
{
    public static TheoryData<object?, string?, string> Values() => new()
    {
        { null, null, "" },
        { 2.5m, "numeric", "2.5" },
        { 1.25d, "double precision", "1.25" },
        { true, "boolean", "true" },
        { new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Unspecified), "timestamp without time zone", "2026-11-24 10:00:00" },
        { new DateTime(2026, 11, 24, 10, 0, 0, 120, DateTimeKind.Utc), "timestamp with time zone", "2026-11-24 10:00:00.12+00" },
        { new DateTime(2026, 11, 24), "date", "2026-11-24" },
        { new DateOnly(2026, 11, 24), "date", "2026-11-24" },
        { new byte[] { 0x0a, 0xff }, "bytea", "\\x0aff" },
        { new int?[] { 1, null }, "integer[]", "{1,NULL}" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Values_are_written_in_invariant_postgres_like_text(object? value, string? typeName, string expected)
    {
        Assert.Equal(expected, SqlValueFormatter.Format(value, typeName));
    }
}
