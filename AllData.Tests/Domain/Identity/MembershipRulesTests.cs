using AllData.Domain.Common;
using AllData.Domain.Identity;

namespace AllData.Tests.Domain.Identity;

public sealed class MembershipRulesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Ws = Guid.NewGuid();

    private static WorkspaceMember M(string user, WorkspaceRole role) => new(Ws, user, role, At);

    [Fact]
    public void Demoting_the_last_admin_is_refused()
    {
        var members = new[] { M("a", WorkspaceRole.Admin), M("b", WorkspaceRole.Developer) };
        var e = Assert.Throws<DomainException>(() => MembershipRules.EnsureAnAdminRemains(members, "a", WorkspaceRole.Developer));
        Assert.Contains("at least one Admin", e.Message);
    }

    [Fact]
    public void Removing_the_last_admin_is_refused()
    {
        var members = new[] { M("a", WorkspaceRole.Admin), M("b", WorkspaceRole.Viewer) };
        Assert.Throws<DomainException>(() => MembershipRules.EnsureAnAdminRemains(members, "a", null));
    }

    [Fact]
    public void Demoting_one_of_two_admins_is_allowed()
    {
        var members = new[] { M("a", WorkspaceRole.Admin), M("b", WorkspaceRole.Admin) };
        MembershipRules.EnsureAnAdminRemains(members, "a", WorkspaceRole.Viewer);
    }

    [Fact]
    public void Removing_a_non_admin_is_allowed()
    {
        var members = new[] { M("a", WorkspaceRole.Admin), M("b", WorkspaceRole.Operator) };
        MembershipRules.EnsureAnAdminRemains(members, "b", null);
    }

    [Theory]
    [InlineData(WorkspaceRole.Viewer, WorkspaceRole.Viewer, true)]
    [InlineData(WorkspaceRole.Viewer, WorkspaceRole.Operator, false)]
    [InlineData(WorkspaceRole.Operator, WorkspaceRole.Viewer, true)]
    [InlineData(WorkspaceRole.Developer, WorkspaceRole.Operator, true)]
    [InlineData(WorkspaceRole.Developer, WorkspaceRole.Admin, false)]
    [InlineData(WorkspaceRole.Admin, WorkspaceRole.Developer, true)]
    public void A_role_includes_the_rights_of_the_roles_below_it(WorkspaceRole role, WorkspaceRole required, bool expected) =>
        Assert.Equal(expected, role.Includes(required));

    [Fact]
    public void An_undefined_role_is_refused() =>
        Assert.Throws<DomainException>(() => M("a", (WorkspaceRole)99));
}

public sealed class WorkspaceTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_workspace_needs_a_name(string name) =>
        Assert.Throws<DomainException>(() => new Workspace(name, At));

    [Fact]
    public void A_name_longer_than_the_limit_is_refused() =>
        Assert.Throws<DomainException>(() => new Workspace(new string('x', Workspace.MaxNameLength + 1), At));

    [Fact]
    public void Names_are_trimmed_on_create_and_rename()
    {
        var w = new Workspace("  Data team ", At);
        Assert.Equal("Data team", w.Name);
        w.Rename(" 数据团队 ");
        Assert.Equal("数据团队", w.Name);
    }
}
