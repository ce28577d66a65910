using Microsoft.AspNetCore.Identity;

namespace AllData.Infrastructure.Identity;

/// <summary>A person who signs in. Identity owns the credentials; AllData adds its own settings.</summary>
public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>Manages users and workspaces across the installation.</summary>
    public bool IsSystemAdmin { get; set; }

    /// <summary>A disabled user cannot sign in; their sessions end at the next security-stamp check.</summary>
    public bool IsDisabled { get; set; }

    /// <summary>The workspace the user last chose in the switcher.</summary>
    public Guid? CurrentWorkspaceId { get; set; }

    public bool PrefersDarkMode { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
