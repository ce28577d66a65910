using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;
using AllData.Tests.Fixtures;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.Infrastructure.Identity;

public sealed class IdentityServicesTests(ServicesFixture fixture) : IClassFixture<ServicesFixture>
{
    private async Task<string> AdminIdAsync()
    {
        await using var scope = fixture.ActAs(null);
        var setup = scope.ServiceProvider.GetRequiredService<DatabaseSetup>();
        await setup.EnsureAdminAsync("Admin-Passw0rd");
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return (await users.FindByNameAsync(DatabaseSetup.AdminUserName))!.Id;
    }

    [Fact]
    public async Task First_start_creates_admin_as_admin_of_the_default_workspace()
    {
        var adminId = await AdminIdAsync();
        await using var scope = fixture.ActAs(adminId);
        var access = await scope.ServiceProvider.GetRequiredService<WorkspaceContext>().GetAsync();
        Assert.NotNull(access);
        Assert.True(access.IsSystemAdmin);
        Assert.Equal(WorkspaceRole.Admin, access.Workspaces.Single(w => w.Name == DatabaseSetup.DefaultWorkspaceName).Role);
    }

    [Fact]
    public async Task A_second_setup_creates_no_second_admin_and_generates_no_password()
    {
        await AdminIdAsync();
        await using var scope = fixture.ActAs(null);
        Assert.Null(await scope.ServiceProvider.GetRequiredService<DatabaseSetup>().EnsureAdminAsync(null));
    }

    [Fact]
    public async Task Members_get_roles_and_the_last_admin_cannot_leave()
    {
        var adminId = await AdminIdAsync();
        await using var scope = fixture.ActAs(adminId);
        var sp = scope.ServiceProvider;
        var wsId = await sp.GetRequiredService<WorkspaceAdminService>().CreateAsync($"Team {Guid.NewGuid():N}"[..20]);
        await sp.GetRequiredService<UserAdminService>().CreateAsync(new NewUser("dora", "Dora", null, "Dora-Passw0rd", false));
        var members = sp.GetRequiredService<MemberService>();

        await members.AddAsync(wsId, "DORA", WorkspaceRole.Operator);
        var rows = await members.ListAsync(wsId);
        Assert.Equal(WorkspaceRole.Operator, rows.Single(r => r.UserName == "dora").Role);

        await Assert.ThrowsAnyAsync<DomainException>(() => members.RemoveAsync(wsId, adminId));
        await Assert.ThrowsAnyAsync<DomainException>(() => members.AddAsync(wsId, "dora", WorkspaceRole.Admin));
        await Assert.ThrowsAnyAsync<DomainException>(() => members.AddAsync(wsId, "nobody-here", WorkspaceRole.Viewer));
    }

    [Fact]
    public async Task A_non_admin_cannot_manage_members_or_users()
    {
        var adminId = await AdminIdAsync();
        Guid wsId;
        string userId;
        await using (var scope = fixture.ActAs(adminId))
        {
            var sp = scope.ServiceProvider;
            wsId = await sp.GetRequiredService<WorkspaceAdminService>().CreateAsync($"Ops {Guid.NewGuid():N}"[..20]);
            await sp.GetRequiredService<UserAdminService>().CreateAsync(new NewUser("otto", "Otto", null, "Otto-Passw0rd", false));
            await sp.GetRequiredService<MemberService>().AddAsync(wsId, "otto", WorkspaceRole.Developer);
            userId = (await sp.GetRequiredService<UserManager<AppUser>>().FindByNameAsync("otto"))!.Id;
        }

        await using var asOtto = fixture.ActAs(userId);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => asOtto.ServiceProvider.GetRequiredService<MemberService>().ListAsync(wsId));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => asOtto.ServiceProvider.GetRequiredService<UserAdminService>().ListAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => asOtto.ServiceProvider.GetRequiredService<WorkspaceAdminService>().CreateAsync("Mine"));
    }

    [Fact]
    public async Task Switching_workspace_is_remembered_and_only_into_own_workspaces()
    {
        var adminId = await AdminIdAsync();
        Guid created;
        await using (var scope = fixture.ActAs(adminId))
        {
            var admin = scope.ServiceProvider.GetRequiredService<WorkspaceAdminService>();
            created = await admin.CreateAsync($"Switch {Guid.NewGuid():N}"[..20]);
            await admin.SwitchAsync(created);
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => admin.SwitchAsync(Guid.NewGuid()));
        }

        await using var later = fixture.ActAs(adminId);
        var access = await later.ServiceProvider.GetRequiredService<WorkspaceContext>().GetAsync();
        Assert.Equal(created, access!.Current!.WorkspaceId);
    }

    [Fact]
    public async Task A_disabled_user_has_no_access_and_cannot_sign_in()
    {
        var adminId = await AdminIdAsync();
        string userId;
        await using (var scope = fixture.ActAs(adminId))
        {
            var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
            await admin.CreateAsync(new NewUser("gone", "Gone", null, "Gone-Passw0rd", false));
            userId = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync("gone"))!.Id;
            await admin.SetDisabledAsync(userId, true);
            await Assert.ThrowsAnyAsync<DomainException>(() => admin.SetDisabledAsync(adminId, true));
        }

        await using var asGone = fixture.ActAs(userId);
        Assert.Null(await asGone.ServiceProvider.GetRequiredService<WorkspaceContext>().GetAsync());
    }

    [Fact]
    public async Task Password_reset_generates_a_password_that_meets_the_policy()
    {
        var adminId = await AdminIdAsync();
        await using var scope = fixture.ActAs(adminId);
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        await admin.CreateAsync(new NewUser("resetme", "R", null, "Reset-Passw0rd", false));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByNameAsync("resetme"))!;
        var password = await admin.ResetPasswordAsync(user.Id, null);
        user = (await users.FindByNameAsync("resetme"))!;
        Assert.True(await users.CheckPasswordAsync(user, password));
        Assert.False(await users.CheckPasswordAsync(user, "Reset-Passw0rd"));
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_the_reason()
    {
        var adminId = await AdminIdAsync();
        await using var scope = fixture.ActAs(adminId);
        var e = await Assert.ThrowsAnyAsync<DomainException>(() =>
            scope.ServiceProvider.GetRequiredService<UserAdminService>().CreateAsync(new NewUser("weak", "W", null, "abc", false)));
        Assert.Contains("at least 8", e.Message);
    }
}
