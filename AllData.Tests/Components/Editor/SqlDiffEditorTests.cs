using AllData.Domain.Studio;
using AllData.Web.Components.Shared.SqlEditor;
using Bunit;

namespace AllData.Tests.Components.Editor;

public sealed class SqlDiffEditorTests : MudTestContext
{
    [Fact]
    public void Diff_editor_shows_both_texts_in_the_dialect()
    {
        JSInterop.Setup<bool>("AllDataSql.setDiff", _ => true).SetResult(true);
        var cut = Render<SqlDiffEditor>(p => p
            .Add(e => e.Original, "SELECT 1;")
            .Add(e => e.Modified, "SELECT 2;")
            .Add(e => e.Dialect, SqlDialect.PostgreSql));

        var call = JSInterop.VerifyInvoke("AllDataSql.setDiff");
        Assert.Equal([cut.Instance.EditorId, "SELECT 1;", "SELECT 2;", "pgsql"], call.Arguments);
    }

    [Fact]
    public void A_new_modified_text_refreshes_the_diff()
    {
        JSInterop.Setup<bool>("AllDataSql.setDiff", _ => true).SetResult(true);
        var cut = Render<SqlDiffEditor>(p => p.Add(e => e.Original, "SELECT 1;").Add(e => e.Modified, "SELECT 2;"));

        cut.Render(p => p.Add(e => e.Modified, "SELECT 3;"));

        var last = JSInterop.VerifyInvoke("AllDataSql.setDiff", calledTimes: 2)[1];
        Assert.Equal("SELECT 3;", last.Arguments[2]);
    }
}
