using System.Reflection;

namespace AllData.Tests.Architecture;

/// <summary>Web → Infrastructure → Domain, and the domain knows nothing of EF, ASP.NET, HTTP or Quartz.</summary>
public sealed class DependencyRuleTests
{
    private static readonly Assembly Domain = typeof(AllData.Domain.Common.DomainException).Assembly;
    private static readonly Assembly Infrastructure = typeof(AllData.Infrastructure.Persistence.PersistenceSetup).Assembly;

    private static IEnumerable<string> References(Assembly a) => a.GetReferencedAssemblies().Select(r => r.Name!);

    [Fact]
    public void Domain_references_only_the_base_class_library()
    {
        var foreign = References(Domain).Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n == "netstandard" || n == "mscorlib"));
        Assert.Empty(foreign);
    }

    [Fact]
    public void Infrastructure_does_not_reference_the_web_layer() =>
        Assert.DoesNotContain("AllData.Web", References(Infrastructure));

    [Fact]
    public void Domain_does_not_reference_infrastructure_or_web() =>
        Assert.DoesNotContain(References(Domain), n => n.StartsWith("AllData.", StringComparison.Ordinal));
}
