using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;

namespace AllData.Infrastructure.Identity;

/// <summary>
/// The one Data Protection helper: every secret AllData stores (data source passwords, variable values, cluster auth
/// headers, channel secrets) is protected under its own purpose string, with the key ring in the store.
/// </summary>
public sealed class Secrets(IDataProtectionProvider provider)
{
    private readonly ConcurrentDictionary<string, IDataProtector> _protectors = new();

    public string Protect(string purpose, string value) => Protector(purpose).Protect(value);

    public string Unprotect(string purpose, string stored) => Protector(purpose).Unprotect(stored);

    private IDataProtector Protector(string purpose) =>
        _protectors.GetOrAdd(purpose, p => provider.CreateProtector(p));
}
