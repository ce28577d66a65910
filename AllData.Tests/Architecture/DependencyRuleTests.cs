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

    [Fact]
    public void Operations_does_not_depend_on_the_studio()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var operations = Infrastructure.GetTypes().Where(t => t.Namespace == "AllData.Infrastructure.Operations");
        var used = operations.SelectMany(t =>
            t.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => p.ParameterType))
                .Concat(t.GetFields(all).Select(f => f.FieldType))
                .Concat(t.GetProperties(all).Select(p => p.PropertyType))
                .Concat(t.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                .SelectMany(Unwrap)
                .Select(u => (t.Name, Used: u)));

        Assert.Empty(used.Where(x => x.Used.Namespace == "AllData.Infrastructure.Studio").Select(x => $"{x.Name} uses {x.Used.Name}").Distinct());
    }

    private static IEnumerable<Type> Unwrap(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Append(type)
        : type.HasElementType ? Unwrap(type.GetElementType()!)
        : [type];
}
