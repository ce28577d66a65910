// Monaco support for the SQL dialects of AllData, exposed as window.AllDataSql. Call AllDataSql.attach from
// BlazorMonaco's OnDidInit (monaco is loaded by then); nothing touches monaco at script load.
import { buildCompletions } from './sql-completion.js';
import { flinkFunctions, mysqlFunctions, postgresFunctions } from './functions.js';
import { offsetAt, statementAtOffset } from './sql-text.js';

const PARSER_OWNER = 'alldata-parser';
const ENGINE_OWNER = 'alldata-engine';
const DIALECTS = ['flinksql', 'pgsql', 'mysql'];
const NAMES = { flinksql: 'Flink SQL', pgsql: 'PostgreSQL', mysql: 'MySQL' };
// The worker sits beside this script (whose URL may carry a fingerprint): resolve it against this script's URL.
const workerUrl = new URL('alldata-sql-worker.js', document.currentScript?.src ?? new URL('dist/', document.baseURI)).href;

let registered = false;
let worker = null;
let nextRequest = 1;
const pending = new Map();
const editors = new Map(); // editorId → state

function request(op, dialect, text, position) {
  worker ??= createWorker();
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, dialect, text, position });
  });
}

function createWorker() {
  const w = new Worker(workerUrl);
  w.onmessage = event => {
    const { id, result, error } = event.data;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    error ? p.reject(new Error(error)) : p.resolve(result);
  };
  return w;
}

function monarch(keywords, functions, caseInsensitive, mysql = false) {
  const tokens = monarchTokens(keywords, functions, caseInsensitive);
  if (mysql) {
    // MySQL: # comments, no dollar quotes or E'' strings, "…" and '…' are strings with backslash escapes.
    tokens.tokenizer.root = [
      [/^\s*DELIMITER\s+\S+/i, 'keyword'],
      [/#.*$/, 'comment'],
      ...tokens.tokenizer.root.filter(rule => !['@dollar.$0', '@escapedString', '@quoted', '@string'].some(n => JSON.stringify(rule).includes(n))),
    ];
    tokens.tokenizer.root.splice(4, 0, [/'/, 'string', '@myString'], [/"/, 'string', '@myDouble']);
    tokens.tokenizer.myString = [[/\$\{[A-Za-z0-9_.]*\}/, 'variable'], [/\\./, 'string.escape'], [/[^'\\$]+/, 'string'], [/''/, 'string'], [/'/, 'string', '@pop'], [/\$/, 'string']];
    tokens.tokenizer.myDouble = [[/\\./, 'string.escape'], [/[^"\\]+/, 'string'], [/""/, 'string'], [/"/, 'string', '@pop']];
  }
  return tokens;
}

function monarchTokens(keywords, functions, caseInsensitive) {
  return {
    ignoreCase: caseInsensitive,
    defaultToken: '',
    keywords,
    builtins: functions.map(f => f[0].toUpperCase()),
    tokenizer: {
      root: [
        [/\$\{[A-Za-z0-9_.]*\}/, 'variable'],
        [/--.*$/, 'comment'],
        [/\/\*/, 'comment', '@comment'],
        [/\$([A-Za-z_][A-Za-z0-9_]*)?\$/, { token: 'string', next: '@dollar.$0' }],
        [/[Ee]'/, 'string', '@escapedString'],
        [/'/, 'string', '@string'],
        [/"/, 'identifier.quote', '@quoted'],
        [/`/, 'identifier.quote', '@backtick'],
        [/\d+(\.\d+)?([eE][-+]?\d+)?/, 'number'],
        [/[A-Za-z_][\w$]*/, { cases: { '@keywords': 'keyword', '@builtins': 'predefined', '@default': 'identifier' } }],
        [/[;,.]/, 'delimiter'],
        [/[()]/, '@brackets'],
        [/[<>=!%&+\-*/|~^:]+/, 'operator'],
        [/\s+/, 'white'],
      ],
      comment: [[/[^*/]+/, 'comment'], [/\*\//, 'comment', '@pop'], [/[*/]/, 'comment']],
      string: [[/\$\{[A-Za-z0-9_.]*\}/, 'variable'], [/[^'$]+/, 'string'], [/''/, 'string'], [/'/, 'string', '@pop'], [/\$/, 'string']],
      escapedString: [[/\\./, 'string.escape'], [/[^'\\]+/, 'string'], [/''/, 'string'], [/'/, 'string', '@pop']],
      quoted: [[/[^"]+/, 'identifier'], [/""/, 'identifier'], [/"/, 'identifier.quote', '@pop']],
      backtick: [[/[^`]+/, 'identifier'], [/``/, 'identifier'], [/`/, 'identifier.quote', '@pop']],
      dollar: [[/\$([A-Za-z_][A-Za-z0-9_]*)?\$/, { cases: { '$0==$S2': { token: 'string', next: '@pop' }, '@default': 'string' } }], [/[^$]+/, 'string'], [/\$/, 'string']],
    },
  };
}

const COMMON_KEYWORDS = ('SELECT FROM WHERE GROUP BY HAVING ORDER LIMIT OFFSET INSERT INTO VALUES UPDATE SET DELETE CREATE ALTER DROP TABLE VIEW ' +
  'INDEX IF NOT EXISTS AS AND OR IN IS NULL LIKE BETWEEN CASE WHEN THEN ELSE END JOIN LEFT RIGHT FULL INNER OUTER CROSS ON USING ' +
  'UNION ALL DISTINCT INTERSECT EXCEPT WITH PRIMARY KEY FOREIGN REFERENCES DEFAULT UNIQUE CHECK CONSTRAINT ASC DESC TRUE FALSE ' +
  'BEGIN COMMIT ROLLBACK EXPLAIN ANALYZE OVER PARTITION WINDOW INTERVAL CAST SHOW DESCRIBE USE FUNCTION RETURNS LATERAL NATURAL ' +
  'BIGINT INT INTEGER SMALLINT TINYINT BOOLEAN DOUBLE FLOAT DECIMAL NUMERIC VARCHAR CHAR STRING TEXT DATE TIME TIMESTAMP ARRAY MAP ROW').split(' ');
const FLINK_KEYWORDS = COMMON_KEYWORDS.concat(('WATERMARK FOR SYSTEM_TIME OF DESCRIPTOR TUMBLE HOP CUMULATE EXECUTE STATEMENT CATALOG DATABASE ' +
  'TEMPORARY METADATA VIRTUAL ENFORCED LIKE MODULE JAR ADD REMOVE RESET TIMESTAMP_LTZ MULTISET RAW BYTES').split(' '));
const MYSQL_KEYWORDS = COMMON_KEYWORDS.concat(('REPLACE IGNORE DUPLICATE AUTO_INCREMENT ENGINE CHARSET COLLATE UNSIGNED ZEROFILL ' +
  'MEDIUMINT DATETIME YEAR ENUM BLOB LONGTEXT MEDIUMTEXT JSON DELIMITER PROCEDURE CALL DECLARE HANDLER CURSOR LOOP LEAVE ITERATE REPEAT ' +
  'UNTIL WHILE STRAIGHT_JOIN FORCE KILL QUERY TRUNCATE SCHEMA DATABASE DATABASES TABLES COLUMNS PROCESSLIST STATUS VARIABLES LOCK UNLOCK ' +
  'GENERATED ALWAYS STORED VIRTUAL FULLTEXT SPATIAL REGEXP RLIKE DIV XOR').split(' '));
const PG_KEYWORDS = COMMON_KEYWORDS.concat(('RETURNING CONFLICT DO NOTHING SCHEMA SEQUENCE TRIGGER EXTENSION GRANT REVOKE VACUUM COPY ' +
  'MATERIALIZED REFRESH CONCURRENTLY SERIAL BIGSERIAL JSON JSONB UUID TIMESTAMPTZ BYTEA LANGUAGE PLPGSQL DECLARE RAISE NOTICE ILIKE ' +
  'SIMILAR FILTER WITHIN ONLY TRUNCATE CASCADE RESTRICT TEMP UNLOGGED GENERATED ALWAYS IDENTITY').split(' '));

const KINDS = () => ({
  keyword: monaco.languages.CompletionItemKind.Keyword,
  function: monaco.languages.CompletionItemKind.Function,
  table: monaco.languages.CompletionItemKind.Struct,
  schema: monaco.languages.CompletionItemKind.Module,
  column: monaco.languages.CompletionItemKind.Field,
  variable: monaco.languages.CompletionItemKind.Variable,
  snippet: monaco.languages.CompletionItemKind.Snippet,
});

function register() {
  if (registered) return;
  registered = true;
  const style = document.createElement('style');
  style.textContent = '.alldata-highlighted-line { background: rgba(255, 196, 0, 0.25); }';
  document.head.appendChild(style);
  const definitions = { flinksql: [FLINK_KEYWORDS, flinkFunctions], pgsql: [PG_KEYWORDS, postgresFunctions], mysql: [MYSQL_KEYWORDS, mysqlFunctions] };
  for (const id of DIALECTS) {
    monaco.languages.register({ id, aliases: [NAMES[id]] });
    monaco.languages.setMonarchTokensProvider(id, monarch(definitions[id][0], definitions[id][1], true, id === 'mysql'));
    monaco.languages.setLanguageConfiguration(id, {
      comments: { lineComment: id === 'mysql' ? '-- ' : '--', blockComment: ['/*', '*/'] },
      brackets: [['(', ')'], ['[', ']']],
      autoClosingPairs: [{ open: '(', close: ')' }, { open: '[', close: ']' }, { open: "'", close: "'", notIn: ['string'] }, { open: '"', close: '"', notIn: ['string'] }, { open: '`', close: '`' }],
      wordPattern: /(-?\d*\.\d\w*)|([^`~!@#%^&*()\-=+[{\]}\\|;:'",.<>/?\s$]+)/g,
    });
    monaco.languages.registerCompletionItemProvider(id, { triggerCharacters: ['.', '$', '{', ' '], provideCompletionItems: provideCompletions });
  }
}

async function provideCompletions(model, position) {
  const state = [...editors.values()].find(s => s.editor.getModel() === model);
  const dialect = model.getLanguageId();
  const text = model.getValue();
  const linePrefix = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
  let analysis = { contexts: [], keywords: [], tables: [] };
  if (!/\$\{?[\w.]*$/.test(linePrefix)) {
    try { analysis = await request('analyze', dialect, text, { lineNumber: position.lineNumber, column: position.column }); } catch { /* keep keywords-free fallback */ }
  }
  const items = await buildCompletions({ dialect, analysis, linePrefix, variables: state?.variables ?? [], catalog: state?.catalog ?? null });
  const word = model.getWordUntilPosition(position);
  const variableStart = /\$\{?[\w.]*$/.exec(linePrefix);
  const kinds = KINDS();
  return {
    suggestions: items.map(item => ({
      label: item.label,
      kind: kinds[item.kind],
      insertText: item.insertText,
      insertTextRules: item.snippet ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
      detail: item.detail,
      documentation: item.documentation,
      sortText: item.sortText,
      range: item.kind === 'variable' && variableStart
        ? { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: variableStart.index + 1, endColumn: position.column }
        : { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: word.startColumn, endColumn: word.endColumn },
    })),
  };
}

/** Asks .NET for catalog items, caching answers for a minute per editor. */
function catalogOf(dotnetRef) {
  const cache = new Map();
  const cached = (key, call) => {
    const hit = cache.get(key);
    if (hit && hit.at > Date.now() - 60000) return hit.value;
    const value = call().catch(() => []);
    cache.set(key, { at: Date.now(), value });
    return value;
  };
  return {
    schemas: () => cached('s', () => dotnetRef.invokeMethodAsync('GetSchemas')),
    tables: schema => cached('t:' + (schema ?? ''), () => dotnetRef.invokeMethodAsync('GetTables', schema)),
    columns: (schema, table) => cached('c:' + (schema ?? '') + '.' + table, () => dotnetRef.invokeMethodAsync('GetColumns', schema, table)),
  };
}

function editorOf(editorId) {
  return window.blazorMonaco.editor.getEditor(editorId, true);
}

function scheduleValidation(state) {
  clearTimeout(state.validateTimer);
  state.validateTimer = setTimeout(async () => {
    const model = state.editor.getModel();
    if (!model) return;
    const version = model.getVersionId();
    try {
      const errors = await request('validate', model.getLanguageId(), model.getValue());
      if (model.isDisposed() || model.getVersionId() !== version) return;
      monaco.editor.setModelMarkers(model, PARSER_OWNER, errors.map(e => ({
        severity: monaco.MarkerSeverity.Error,
        startLineNumber: e.startLine, startColumn: e.startColumn, endLineNumber: e.endLine, endColumn: e.endColumn,
        message: e.message,
      })));
    } catch (error) {
      console.warn('AllData SQL validation failed', error);
    }
  }, 300);
}

function runRequest(editor) {
  const model = editor.getModel();
  const selection = editor.getSelection();
  const position = editor.getPosition();
  return {
    text: model.getValue(),
    cursorOffset: model.getOffsetAt(position),
    selectionStart: model.getOffsetAt(selection.getStartPosition()),
    selectionEnd: model.getOffsetAt(selection.getEndPosition()),
  };
}

export const AllDataSql = {
  /** Registers the languages (once) and wires one BlazorMonaco editor to its .NET component. */
  attach(editorId, dotnetRef, options) {
    register();
    const editor = editorOf(editorId);
    if (!editor) return false;
    AllDataSql.detach(editorId);
    const state = { editor, dotnetRef, variables: options?.variables ?? [], catalog: options?.hasCatalog ? catalogOf(dotnetRef) : null, disposables: [], decorations: [] };
    editors.set(editorId, state);
    monaco.editor.setModelLanguage(editor.getModel(), options?.dialect ?? 'flinksql');
    state.disposables.push(editor.onDidChangeModelContent(() => {
      scheduleValidation(state);
      clearTimeout(state.changeTimer);
      state.changeTimer = setTimeout(() => dotnetRef.invokeMethodAsync('OnContentChanged', editor.getValue()), 250);
    }));
    const K = monaco.KeyMod, C = monaco.KeyCode;
    editor.addCommand(K.CtrlCmd | C.KeyS, () => { clearTimeout(state.changeTimer); dotnetRef.invokeMethodAsync('OnSaveRequested', editor.getValue()); });
    editor.addCommand(K.CtrlCmd | C.Enter, () => dotnetRef.invokeMethodAsync('OnRunAtCursorRequested', runRequest(editor)));
    editor.addCommand(K.CtrlCmd | K.Shift | C.Enter, () => dotnetRef.invokeMethodAsync('OnRunAllRequested', editor.getValue()));
    scheduleValidation(state);
    return true;
  },

  /** Text, caret and selection of this editor's own model (what the user sees), or null when it is gone. */
  runRequest(editorId) {
    const editor = editorOf(editorId);
    return editor?.getModel() ? runRequest(editor) : null;
  },

  /** Changes dialect, variables or catalog use of an attached editor. */
  configure(editorId, options) {
    const state = editors.get(editorId);
    if (!state) return;
    state.variables = options?.variables ?? [];
    state.catalog = options?.hasCatalog ? catalogOf(state.dotnetRef) : null;
    const model = state.editor.getModel();
    if (options?.dialect && model.getLanguageId() !== options.dialect) {
      monaco.editor.setModelLanguage(model, options.dialect);
      scheduleValidation(state);
    }
  },

  detach(editorId) {
    const state = editors.get(editorId);
    if (!state) return;
    clearTimeout(state.validateTimer);
    clearTimeout(state.changeTimer);
    state.disposables.forEach(d => d.dispose());
    editors.delete(editorId);
  },

  /** Engine errors (from a run) as markers beside the parser's: [{ line, column, endLine?, endColumn?, message }]. */
  setEngineErrors(editorId, errors) {
    const model = editorOf(editorId)?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(model, ENGINE_OWNER, (errors ?? []).map(e => {
      const line = Math.min(Math.max(e.line, 1), model.getLineCount());
      const column = Math.max(e.column ?? 1, 1);
      const endLine = e.endLine ?? line;
      const endColumn = e.endColumn ?? model.getLineMaxColumn(endLine);
      return { severity: monaco.MarkerSeverity.Error, startLineNumber: line, startColumn: column, endLineNumber: endLine, endColumn: Math.max(endColumn, column + 1), message: e.message, source: 'engine' };
    }));
  },

  clearEngineErrors(editorId) {
    const model = editorOf(editorId)?.getModel();
    if (model) monaco.editor.setModelMarkers(model, ENGINE_OWNER, []);
  },

  /** Scrolls to a line, puts the caret there and highlights it. */
  revealLine(editorId, line) {
    const editor = editorOf(editorId);
    if (!editor) return;
    const state = editors.get(editorId);
    editor.revealLineInCenter(line);
    editor.setPosition({ lineNumber: line, column: 1 });
    const decorations = editor.deltaDecorations(state?.decorations ?? [], [{ range: new monaco.Range(line, 1, line, 1), options: { isWholeLine: true, className: 'alldata-highlighted-line' } }]);
    if (state) state.decorations = decorations;
    editor.focus();
  },

  /** Shows two texts side by side in a diff editor, highlighted in a dialect; replaces (and disposes) earlier models. */
  setDiff(diffEditorId, original, modified, dialect) {
    register();
    const diff = editorOf(diffEditorId);
    if (!diff) return false;
    const previous = diff.getModel();
    diff.setModel({ original: monaco.editor.createModel(original ?? '', dialect), modified: monaco.editor.createModel(modified ?? '', dialect) });
    previous?.original?.dispose();
    previous?.modified?.dispose();
    return true;
  },

  /** Disposes a diff editor's models (call before the component goes away). */
  clearDiff(diffEditorId) {
    const diff = editorOf(diffEditorId);
    const previous = diff?.getModel();
    if (!previous) return;
    diff.setModel(null);
    previous.original?.dispose();
    previous.modified?.dispose();
  },

  /** The statement range at a 1-based caret, computed locally (the server's SqlScript is the authority for runs). */
  statementAt(text, lineNumber, column) {
    return statementAtOffset(text, offsetAt(text, lineNumber, column));
  },
};

window.AllDataSql = AllDataSql;
