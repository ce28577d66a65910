using System.Security.Cryptography;
using AllData.Domain.Common;
using AllData.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Identity;

public sealed record UserRow(
    string Id, string UserName, string DisplayName, string? Email, bool IsSystemAdmin, bool IsDisabled,
    bool IsLockedOut, int Workspaces, DateTimeOffset CreatedAt);

public sealed record NewUser(string UserName, string DisplayName, string? Email, string? Password, bool IsSystemAdmin);

/// <summary>User management for system administrators.</summary>
public sealed class UserAdminService
{
    private readonly AppDb appDb;
    private readonly UserManager<AppUser> users;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal UserAdminService(AppDb appDb, UserManager<AppUser> users, WorkspaceContext workspace, TimeProvider clock)
    {
        this.appDb = appDb;
        this.users = users;
        this.workspace = workspace;
        this.clock = clock;
    }

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken ct = default)
    {
        await EnsureSystemAdminAsync(ct);
        var now = clock.GetUtcNow();
        await using var db = await appDb.UnboundAsync(ct);
        return await db.Users.AsNoTracking()
            .OrderBy(u => u.UserName)
            .Select(u => new UserRow(u.Id, u.UserName!, u.DisplayName, u.Email, u.IsSystemAdmin, u.IsDisabled,
                u.LockoutEnd != null && u.LockoutEnd > now,
                db.WorkspaceMembers.Count(m => m.UserId == u.Id), u.CreatedAt))
            .ToListAsync(ct);
    }

    /// <summary>Creates a user; returns the password (the one given, or a generated one to hand over once).</summary>
    public async Task<string> CreateAsync(NewUser request, CancellationToken ct = default)
    {
        await EnsureSystemAdminAsync(ct);
        var password = string.IsNullOrEmpty(request.Password) ? GeneratePassword() : request.Password;
        var user = new AppUser
        {
            UserName = request.UserName.Trim(),
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? request.UserName.Trim() : request.DisplayName.Trim(),
            Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim(),
            IsSystemAdmin = request.IsSystemAdmin,
            CreatedAt = clock.GetUtcNow(),
        };
        Check(await users.CreateAsync(user, password));
        return password;
    }

    public async Task SetDisabledAsync(string userId, bool disabled, CancellationToken ct = default)
    {
        var access = await EnsureSystemAdminAsync(ct);
        if (disabled && userId == access.UserId)
        {
            throw new DomainException("You cannot disable yourself.");
        }

        var user = await FindAsync(userId);
        user.IsDisabled = disabled;
        Check(await users.UpdateAsync(user));
        if (disabled)
        {
            // Ends the user's open sessions at the next security-stamp check.
            Check(await users.UpdateSecurityStampAsync(user));
        }
        else
        {
            Check(await users.SetLockoutEndDateAsync(user, null));
            Check(await users.ResetAccessFailedCountAsync(user));
        }
    }

    /// <summary>Sets a new password (generated when none is given) and lifts a lockout; returns the password.</summary>
    public async Task<string> ResetPasswordAsync(string userId, string? newPassword, CancellationToken ct = default)
    {
        await EnsureSystemAdminAsync(ct);
        var user = await FindAsync(userId);
        var password = string.IsNullOrEmpty(newPassword) ? GeneratePassword() : newPassword;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        Check(await users.ResetPasswordAsync(user, token, password));
        Check(await users.SetLockoutEndDateAsync(user, null));
        Check(await users.ResetAccessFailedCountAsync(user));
        return password;
    }

    /// <summary>A 16-character password with upper, lower and digits; meets the configured policy.</summary>
    public static string GeneratePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string lower = "abcdefghijkmnopqrstuvwxyz";
        const string digits = "23456789";
        const string all = upper + lower + digits;
        var chars = new char[16];
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        for (var i = 3; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private async Task<AppUser> FindAsync(string userId) =>
        await users.FindByIdAsync(userId) ?? throw new DomainException("That user no longer exists.");

    internal static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new DomainException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    private async Task<UserAccess> EnsureSystemAdminAsync(CancellationToken ct)
    {
        var access = await workspace.GetAsync(ct);
        return access is { IsSystemAdmin: true }
            ? access
            : throw new UnauthorizedAccessException("Only system administrators manage users.");
    }
}
