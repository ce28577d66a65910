using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure.Persistence;

/// <summary>
/// Registers public services whose constructors are internal (they take the store, <see cref="AppDb"/> or other
/// internals the web layer must not see): the container cannot call a non-public constructor, so a compiled factory does.
/// </summary>
internal static class InternalActivation
{
    public static IServiceCollection AddScopedInternal<T>(this IServiceCollection services)
        where T : class => services.AddScoped(Factory<T>.Create);

    public static IServiceCollection AddSingletonInternal<T>(this IServiceCollection services)
        where T : class => services.AddSingleton(Factory<T>.Create);

    public static IServiceCollection AddTransientInternal<T>(this IServiceCollection services)
        where T : class => services.AddTransient(Factory<T>.Create);

    private static class Factory<T>
        where T : class
    {
        private static readonly Func<IServiceProvider, T> Compiled = Compile();

        public static T Create(IServiceProvider services) => Compiled(services);

        private static Func<IServiceProvider, T> Compile()
        {
            var constructor = typeof(T).GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .OrderByDescending(c => c.GetParameters().Length).First();
            var provider = Expression.Parameter(typeof(IServiceProvider), "services");
            var resolve = typeof(ServiceProviderServiceExtensions).GetMethod(nameof(ServiceProviderServiceExtensions.GetRequiredService), [typeof(IServiceProvider), typeof(Type)])!;
            var arguments = constructor.GetParameters().Select(p =>
                Expression.Convert(Expression.Call(resolve, provider, Expression.Constant(p.ParameterType)), p.ParameterType));
            return Expression.Lambda<Func<IServiceProvider, T>>(Expression.New(constructor, arguments), provider).Compile();
        }
    }
}
