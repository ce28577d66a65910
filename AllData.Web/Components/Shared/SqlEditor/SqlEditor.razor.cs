using AllData.Domain.Studio;
using BlazorMonaco.Editor;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace AllData.Web.Components.Shared.SqlEditor;

/// <summary>
/// The Monaco SQL editor: dialect grammar diagnostics (in a Web Worker), catalog-aware completion, variables, snippets,
/// engine error markers and the studio's shortcuts (Ctrl+S, Ctrl+Enter, Ctrl+Shift+Enter). Needs dist/alldata-sql.js.
/// </summary>
public sealed partial class SqlEditor : ComponentBase, IAsyncDisposable
{
    private static readonly TimeSpan CatalogTimeout = TimeSpan.FromSeconds(10);
    private readonly string _id = "sql-editor-" + Guid.NewGuid().ToString("N");
    private StandaloneCodeEditor? _editor;
    private DotNetObjectReference<SqlEditor>? _reference;
    private bool _attached;
    private string _knownValue = "";
    private (SqlDialect Dialect, bool HasCatalog, IReadOnlyList<string> Variables) _configured;
    private bool _readOnlyApplied;
    private bool _darkApplied;

    [Inject] private IJSRuntime Js { get; set; } = default!;

    [Parameter] public string Value { get; set; } = "";
    [Parameter] public EventCallback<string> ValueChanged { get; set; }
    [Parameter] public SqlDialect Dialect { get; set; } = SqlDialect.FlinkSql;
    [Parameter] public ICompletionCatalog? Catalog { get; set; }
    [Parameter] public IReadOnlyList<string> Variables { get; set; } = [];
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public bool Dark { get; set; }
    /// <summary>CSS height of the editor (Monaco needs an explicit one).</summary>
    [Parameter] public string Height { get; set; } = "400px";
    /// <summary>Ctrl+S, with the current text (Value is updated first).</summary>
    [Parameter] public EventCallback<string> OnSave { get; set; }
    /// <summary>Ctrl+Enter: run the statement at the caret, or the selection.</summary>
    [Parameter] public EventCallback<RunRequest> OnRunAtCursor { get; set; }
    /// <summary>Ctrl+Shift+Enter, with the current text.</summary>
    [Parameter] public EventCallback<string> OnRunAll { get; set; }

    internal string EditorId => _id;

    private StandaloneEditorConstructionOptions ConstructionOptions(StandaloneCodeEditor editor) => new()
    {
        Value = Value,
        Language = Dialect.ToMonacoLanguage(),
        Theme = SqlDialectLanguage.MonacoTheme(Dark),
        ReadOnly = ReadOnly,
        AutomaticLayout = true,
        ScrollBeyondLastLine = false,
        FixedOverflowWidgets = true,
        Minimap = new EditorMinimapOptions { Enabled = false },
        FontSize = 13,
        TabSize = 2,
    };

    private async Task OnEditorInitAsync()
    {
        _knownValue = Value;
        _readOnlyApplied = ReadOnly;
        _darkApplied = Dark;
        _reference ??= DotNetObjectReference.Create(this);
        _configured = (Dialect, Catalog is not null, Variables);
        _attached = await Js.InvokeAsync<bool>("AllDataSql.attach", _id, _reference, JsOptions());
    }

    protected override async Task OnParametersSetAsync()
    {
        if (!_attached || _editor is null) return;
        if (!string.Equals(Value, _knownValue, StringComparison.Ordinal))
        {
            _knownValue = Value;
            await _editor.SetValue(Value);
        }
        if (_configured != (Dialect, Catalog is not null, Variables))
        {
            _configured = (Dialect, Catalog is not null, Variables);
            await Js.InvokeVoidAsync("AllDataSql.configure", _id, JsOptions());
        }
        if (_readOnlyApplied != ReadOnly)
        {
            _readOnlyApplied = ReadOnly;
            await _editor.UpdateOptions(new EditorUpdateOptions { ReadOnly = ReadOnly });
        }
        if (_darkApplied != Dark)
        {
            _darkApplied = Dark;
            await Js.InvokeVoidAsync("blazorMonaco.editor.setTheme", SqlDialectLanguage.MonacoTheme(Dark));
        }
    }

    private object JsOptions() => new { dialect = Dialect.ToMonacoLanguage(), variables = Variables, hasCatalog = Catalog is not null };

    /// <summary>Shows engine errors beside the parser's own markers (they do not replace each other).</summary>
    public async Task SetEngineErrorsAsync(IEnumerable<EditorMarker> markers)
    {
        var errors = markers.Select(m => new { line = m.Line, column = m.Column, endLine = m.EndLine, endColumn = m.EndColumn, message = m.Message }).ToList();
        await Js.InvokeVoidAsync("AllDataSql.setEngineErrors", _id, errors);
    }

    public async Task ClearEngineErrorsAsync() => await Js.InvokeVoidAsync("AllDataSql.clearEngineErrors", _id);

    /// <summary>Scrolls to a 1-based line, puts the caret there and highlights it.</summary>
    public async Task RevealLineAsync(int line) => await Js.InvokeVoidAsync("AllDataSql.revealLine", _id, line);

    /// <summary>The editor's current text (fresher than <see cref="Value"/>, which follows typing with a short delay).</summary>
    public async Task<string> GetValueAsync() => (await GetRunRequestAsync()).Text;

    /// <summary>What Ctrl+Enter would run now (text, caret, selection): for a toolbar Run or Explain button.</summary>
    public async Task<RunRequest> GetRunRequestAsync()
    {
        if (_editor is null || !_attached)
        {
            return new RunRequest(Value, 0, 0, 0);
        }

        // Read in the browser from this editor's own model in one call. BlazorMonaco's GetModel() resolves models by
        // their URI ("inmemory://model/1"), which every browser tab has: with a job open in two tabs it answered with the
        // other tab's text, so a run could run (and a save could store) text this tab does not show.
        var request = await Js.InvokeAsync<RunRequest?>("AllDataSql.runRequest", _id);
        if (request is null)
        {
            return new RunRequest(Value, 0, 0, 0);
        }

        return request with { SelectionStart = Math.Min(request.SelectionStart, request.SelectionEnd), SelectionEnd = Math.Max(request.SelectionStart, request.SelectionEnd) };
    }

    [JSInvokable]
    public async Task OnContentChanged(string text)
    {
        if (string.Equals(text, _knownValue, StringComparison.Ordinal)) return;
        _knownValue = text;
        Value = text;
        await ValueChanged.InvokeAsync(text);
    }

    [JSInvokable]
    public async Task OnSaveRequested(string text)
    {
        await OnContentChanged(text);
        await OnSave.InvokeAsync(text);
    }

    [JSInvokable]
    public async Task OnRunAtCursorRequested(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        await OnContentChanged(request.Text);
        await OnRunAtCursor.InvokeAsync(request);
    }

    [JSInvokable]
    public async Task OnRunAllRequested(string text)
    {
        await OnContentChanged(text);
        await OnRunAll.InvokeAsync(text);
    }

    [JSInvokable]
    public async Task<IReadOnlyList<string>> GetSchemas()
    {
        if (Catalog is null) return [];
        using var timeout = new CancellationTokenSource(CatalogTimeout);
        return await Catalog.SchemasAsync(timeout.Token);
    }

    [JSInvokable]
    public async Task<IReadOnlyList<CompletionTable>> GetTables(string? schema)
    {
        if (Catalog is null) return [];
        using var timeout = new CancellationTokenSource(CatalogTimeout);
        return await Catalog.TablesAsync(schema, timeout.Token);
    }

    [JSInvokable]
    public async Task<IReadOnlyList<CompletionColumn>> GetColumns(string? schema, string table)
    {
        if (Catalog is null) return [];
        using var timeout = new CancellationTokenSource(CatalogTimeout);
        return await Catalog.ColumnsAsync(schema, table, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_attached)
        {
            try
            {
                await Js.InvokeVoidAsync("AllDataSql.detach", _id);
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone: so is the editor.
            }
        }
        _reference?.Dispose();
    }
}
