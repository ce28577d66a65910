using AllData.Domain.Catalog;
using AllData.Domain.Common;

namespace AllData.Tests.Domain.Catalog;

public sealed class DataSourceTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static DataSourceSettings Settings(IReadOnlyDictionary<string, string>? options = null) =>
        new("Shop", DataSourceKind.PostgreSql, "db", 5432, "shop", "reader", DataSourceSslMode.Prefer, options);

    [Fact]
    public void Extra_options_cannot_override_dedicated_fields()
    {
        var ex = Assert.Throws<DomainException>(() => new DataSource(Guid.NewGuid(), Settings(new Dictionary<string, string> { ["Password"] = "x" }), null, At));
        Assert.Contains("Password", ex.Message);
    }

    [Fact]
    public void Changing_settings_without_a_password_keeps_the_stored_one()
    {
        var source = new DataSource(Guid.NewGuid(), Settings(), "protected-1", At);
        source.ChangeSettings(Settings() with { Host = "other" }, null, At);
        Assert.Equal(("other", "protected-1"), (source.Host, source.ProtectedPassword));
    }

    [Fact]
    public void A_port_out_of_range_is_rejected() =>
        Assert.Throws<DomainException>(() => new DataSource(Guid.NewGuid(), Settings() with { Port = 70000 }, null, At));

    [Fact]
    public void A_disabled_source_cannot_be_used()
    {
        var source = new DataSource(Guid.NewGuid(), Settings(), null, At);
        source.Disable(At);
        Assert.Throws<DomainException>(source.EnsureEnabled);
    }
}
