using AllData.Web.Features.Studio.Components;

namespace AllData.Tests.Components.Studio;

/// <summary>How the result grid writes values: a DATE column read as DateTime (both drivers do) has no time of day.</summary>
public sealed class ResultGridFormatTests
{
    [Theory]
    [InlineData("date", "2026-01-05")]
    [InlineData("timestamp", "2026-01-05 00:00:00")]
    [InlineData("datetime", "2026-01-05 00:00:00")]
    [InlineData(null, "2026-01-05 00:00:00")]
    public void A_date_column_shows_only_the_date(string? type, string expected) =>
        Assert.Equal(expected, ResultGrid.Format(new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Unspecified), type));
}
