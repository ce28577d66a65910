// Turns a caret analysis plus catalog answers into completion item descriptions (no Monaco here).
import { functionsOf } from './functions.js';
import { snippetsOf } from './snippets.js';
import { variableCompletions, variableTrigger } from './sql-text.js';

/**
 * @param {object} args
 * @param {'flinksql'|'pgsql'} args.dialect
 * @param {{atStatementStart?: boolean, contexts: {type: string, words: string[]}[], keywords: string[], tables: {schema: string|null, name: string, alias: string|null}[]}} args.analysis
 * @param {string} args.linePrefix the caret line's text before the caret
 * @param {string[]} args.variables variable names
 * @param {{schemas: () => Promise<string[]>, tables: (schema: string|null) => Promise<{schema: string|null, name: string, kind?: string}[]>, columns: (schema: string|null, table: string) => Promise<{name: string, dataType?: string}[]>}|null} args.catalog
 * @returns {Promise<{label: string, kind: string, insertText: string, detail?: string, documentation?: string, snippet?: boolean, sortText: string}[]>}
 */
export async function buildCompletions({ dialect, analysis, linePrefix, variables, catalog }) {
  const trigger = variableTrigger(linePrefix);
  if (trigger) {
    return variableCompletions(variables ?? [], trigger).map(v => ({ ...v, kind: 'variable', detail: 'variable', sortText: '0' + v.label }));
  }
  const items = [];
  const seen = new Set();
  const add = item => {
    const key = item.kind + ':' + item.label;
    if (!seen.has(key)) { seen.add(key); items.push(item); }
  };
  const contexts = analysis?.contexts ?? [];
  const qualifierOf = words => {
    const joined = words.join('');
    const dot = joined.lastIndexOf('.');
    return dot < 0 ? null : joined.slice(0, dot);
  };
  const tableContext = contexts.find(c => c.type === 'table' || c.type === 'view');
  const columnContext = contexts.find(c => c.type === 'column');
  const functionContext = contexts.find(c => c.type === 'function');
  let qualified = false;

  if (tableContext && catalog) {
    const qualifier = qualifierOf(tableContext.words);
    if (qualifier) {
      qualified = true;
      const schema = qualifier.split('.').pop();
      for (const t of await catalog.tables(schema)) add(tableItem(t, '1'));
    } else {
      for (const s of await catalog.schemas()) add({ label: s, kind: 'schema', insertText: s, detail: 'schema', sortText: '2' + s });
      for (const t of await catalog.tables(null)) add(tableItem(t, '1'));
    }
  }

  if (columnContext) {
    const qualifier = qualifierOf(columnContext.words);
    const tables = analysis.tables ?? [];
    if (qualifier) {
      qualified = true;
      const q = qualifier.split('.').pop().toLowerCase();
      const target = tables.find(t => t.alias?.toLowerCase() === q) ?? tables.find(t => t.name.toLowerCase() === q);
      if (target && catalog) {
        for (const c of await catalog.columns(target.schema, target.name)) add(columnItem(c, target, '0'));
      }
    } else if (catalog) {
      for (const t of tables) {
        for (const c of await catalog.columns(t.schema, t.name)) add(columnItem(c, t, '0'));
      }
    }
  }

  if (qualified) return items;

  if (functionContext || columnContext) {
    for (const [name, signature, description] of functionsOf(dialect)) {
      add({ label: name, kind: 'function', insertText: name, detail: signature, documentation: description, sortText: '3' + name });
    }
  }
  for (const keyword of analysis?.keywords ?? []) {
    add({ label: keyword, kind: 'keyword', insertText: keyword, sortText: '4' + keyword });
  }
  if (analysis?.atStatementStart) {
    for (const [label, detail, body] of snippetsOf(dialect)) {
      add({ label, kind: 'snippet', insertText: body, detail, snippet: true, sortText: '5' + label });
    }
  }
  return items;
}

function tableItem(t, rank) {
  return { label: t.name, kind: 'table', insertText: t.name, detail: t.schema ? `${t.kind ?? 'table'} · ${t.schema}` : (t.kind ?? 'table'), sortText: rank + t.name };
}

function columnItem(c, table, rank) {
  const owner = table.alias ?? table.name;
  return { label: c.name, kind: 'column', insertText: c.name, detail: `${c.dataType ?? ''} · ${owner}`.replace(/^ · /, ''), sortText: rank + c.name };
}
