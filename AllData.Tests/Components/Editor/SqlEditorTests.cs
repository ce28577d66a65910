using AllData.Domain.Studio;
using AllData.Web.Components.Shared.SqlEditor;
using Bunit;

namespace AllData.Tests.Components.Editor;

public sealed class SqlEditorTests : MudTestContext
{
    private IRenderedComponent<SqlEditor> RenderEditor(Action<ComponentParameterCollectionBuilder<SqlEditor>>? parameters = null)
    {
        JSInterop.Setup<bool>("AllDataSql.attach", _ => true).SetResult(true);
        return Render<SqlEditor>(p =>
        {
            p.Add(e => e.Value, "SELECT 1;");
            parameters?.Invoke(p);
        });
    }

    [Fact]
    public void Editor_attaches_the_sql_language_with_its_dialect_variables_and_catalog()
    {
        var cut = RenderEditor(p => p
            .Add(e => e.Dialect, SqlDialect.PostgreSql)
            .Add(e => e.Variables, ["biz_date"])
            .Add(e => e.Catalog, new FixedCatalog()));

        var attach = JSInterop.VerifyInvoke("AllDataSql.attach");
        Assert.Equal(cut.Instance.EditorId, attach.Arguments[0]);
        var options = attach.Arguments[2]!;
        Assert.Equal("pgsql", options.GetType().GetProperty("dialect")!.GetValue(options));
        Assert.Equal(new[] { "biz_date" }, (IReadOnlyList<string>)options.GetType().GetProperty("variables")!.GetValue(options)!);
        Assert.Equal(true, options.GetType().GetProperty("hasCatalog")!.GetValue(options));
    }

    [Fact]
    public async Task Engine_errors_are_sent_as_markers_of_this_editor()
    {
        var cut = RenderEditor();

        await cut.InvokeAsync(() => cut.Instance.SetEngineErrorsAsync([new EditorMarker(3, 7, "relation \"nope\" does not exist")]));

        var call = JSInterop.VerifyInvoke("AllDataSql.setEngineErrors");
        Assert.Equal(cut.Instance.EditorId, call.Arguments[0]);
        var marker = Assert.Single(((System.Collections.IEnumerable)call.Arguments[1]!).Cast<object>());
        Assert.Equal(3, marker.GetType().GetProperty("line")!.GetValue(marker));
        Assert.Equal(7, marker.GetType().GetProperty("column")!.GetValue(marker));
        Assert.Equal("relation \"nope\" does not exist", marker.GetType().GetProperty("message")!.GetValue(marker));
    }

    [Fact]
    public async Task Clearing_engine_errors_and_revealing_a_line_address_this_editor()
    {
        var cut = RenderEditor();

        await cut.InvokeAsync(() => cut.Instance.ClearEngineErrorsAsync());
        await cut.InvokeAsync(() => cut.Instance.RevealLineAsync(42));

        Assert.Equal(cut.Instance.EditorId, JSInterop.VerifyInvoke("AllDataSql.clearEngineErrors").Arguments[0]);
        var reveal = JSInterop.VerifyInvoke("AllDataSql.revealLine");
        Assert.Equal([cut.Instance.EditorId, 42], reveal.Arguments);
    }

    [Fact]
    public async Task Typing_in_the_editor_updates_the_bound_value()
    {
        string? bound = null;
        var cut = RenderEditor(p => p.Add(e => e.ValueChanged, (string v) => bound = v));

        await cut.InvokeAsync(() => cut.Instance.OnContentChanged("SELECT 2;"));

        Assert.Equal("SELECT 2;", bound);
    }

    [Fact]
    public async Task Ctrl_enter_passes_text_caret_and_selection_to_the_run_handler()
    {
        RunRequest? run = null;
        string? bound = null;
        var cut = RenderEditor(p => p
            .Add(e => e.OnRunAtCursor, (RunRequest r) => run = r)
            .Add(e => e.ValueChanged, (string v) => bound = v));

        await cut.InvokeAsync(() => cut.Instance.OnRunAtCursorRequested(new RunRequest("SELECT 1;\nSELECT 2;", 12, 10, 19)));

        Assert.Equal(new RunRequest("SELECT 1;\nSELECT 2;", 12, 10, 19), run);
        Assert.True(run!.HasSelection);
        Assert.Equal("SELECT 1;\nSELECT 2;", bound);
    }

    [Fact]
    public async Task Ctrl_s_saves_the_current_text()
    {
        string? saved = null;
        var cut = RenderEditor(p => p.Add(e => e.OnSave, (string text) => saved = text));

        await cut.InvokeAsync(() => cut.Instance.OnSaveRequested("SELECT 3;"));

        Assert.Equal("SELECT 3;", saved);
    }

    [Fact]
    public async Task Completion_asks_the_catalog_for_columns_of_the_table()
    {
        var catalog = new FixedCatalog();
        var cut = RenderEditor(p => p.Add(e => e.Catalog, catalog));

        var columns = await cut.InvokeAsync(() => cut.Instance.GetColumns("sales", "customers"));

        Assert.Equal(["customer_id", "email"], columns.Select(c => c.Name));
        Assert.Equal(("sales", "customers"), catalog.LastColumnsRequest);
    }

    [Fact]
    public async Task Completion_without_a_catalog_offers_no_catalog_items()
    {
        var cut = RenderEditor();

        Assert.Empty(await cut.InvokeAsync(() => cut.Instance.GetTables(null)));
    }

    [Fact]
    public void Changing_the_dialect_reconfigures_the_editor()
    {
        var cut = RenderEditor(p => p.Add(e => e.Dialect, SqlDialect.FlinkSql));

        cut.Render(p => p.Add(e => e.Dialect, SqlDialect.PostgreSql));

        var configure = JSInterop.VerifyInvoke("AllDataSql.configure");
        var options = configure.Arguments[1]!;
        Assert.Equal("pgsql", options.GetType().GetProperty("dialect")!.GetValue(options));
    }

    private sealed class FixedCatalog : ICompletionCatalog
    {
        public (string?, string)? LastColumnsRequest { get; private set; }

        public Task<IReadOnlyList<string>> SchemasAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>(["public", "sales"]);

        public Task<IReadOnlyList<CompletionTable>> TablesAsync(string? schema, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CompletionTable>>([new CompletionTable("sales", "customers")]);

        public Task<IReadOnlyList<CompletionColumn>> ColumnsAsync(string? schema, string table, CancellationToken cancellationToken)
        {
            LastColumnsRequest = (schema, table);
            return Task.FromResult<IReadOnlyList<CompletionColumn>>([new CompletionColumn("customer_id", "bigint"), new CompletionColumn("email", "text")]);
        }
    }
}
