using AllData.Domain.Identity;
using AllData.Web.Components.Layout;
using Bunit;

namespace AllData.Tests.Components.Layout;

public sealed class LayoutComponentsTests : MudTestContext
{
    [Fact]
    public void Nav_shows_administration_to_a_system_admin()
    {
        var nav = Render<NavMenu>(p => p.Add(c => c.Access, Access(WorkspaceRole.Admin, systemAdmin: true)));
        Assert.Contains("/admin/users", nav.Markup);
        Assert.Contains("/admin/workspaces", nav.Markup);
        Assert.Contains("/workspace/members", nav.Markup);
    }

    [Fact]
    public void Nav_hides_administration_from_a_viewer()
    {
        var nav = Render<NavMenu>(p => p.Add(c => c.Access, Access(WorkspaceRole.Viewer)));
        Assert.DoesNotContain("/admin/", nav.Markup);
        Assert.DoesNotContain("/workspace/members", nav.Markup);
        Assert.Contains("Overview", nav.Markup);
    }

    [Fact]
    public void Nav_shows_members_but_not_system_pages_to_a_workspace_admin()
    {
        var nav = Render<NavMenu>(p => p.Add(c => c.Access, Access(WorkspaceRole.Admin)));
        Assert.Contains("/workspace/members", nav.Markup);
        Assert.DoesNotContain("/admin/users", nav.Markup);
    }

    [Fact]
    public void Workspace_switcher_shows_the_current_workspace()
    {
        var cut = Render<WorkspaceSwitcher>(p => p.Add(c => c.Access, Access(WorkspaceRole.Developer, false, "Marketing")));
        Assert.Equal("Analytics", cut.Find("[data-testid=workspace-current]").TextContent.Trim());
    }

    [Fact]
    public void Workspace_switcher_is_absent_without_a_workspace()
    {
        var access = Access(WorkspaceRole.Viewer) with { Current = null, Workspaces = [] };
        var cut = Render<WorkspaceSwitcher>(p => p.Add(c => c.Access, access));
        Assert.Empty(cut.FindAll("[data-testid=workspace-current]"));
    }

    [Fact]
    public void User_menu_shows_the_users_initial()
    {
        var cut = Render<UserMenu>(p => p.Add(c => c.Access, Access(WorkspaceRole.Viewer)));
        Assert.Contains(">A<", cut.Markup.Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void Language_switcher_offers_english_and_chinese()
    {
        var cut = Render<LanguageSwitcher>();
        Assert.NotNull(cut.Find("[data-testid=language-switcher]"));
    }
}
