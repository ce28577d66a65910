// Parser-backed analysis (dt-sql-parser). Runs in the Web Worker in the browser and in Node for the tests.
import { FlinkSQL, MySQL, PostgreSQL } from 'dt-sql-parser';
import { offsetAt, positionAt, statementAtOffset } from './sql-text.js';

const parsers = {};

function parserOf(dialect) {
  const make = { flinksql: () => new FlinkSQL(), pgsql: () => new PostgreSQL(), mysql: () => new MySQL() }[dialect];
  if (!make) throw new Error(`Unknown SQL dialect '${dialect}'.`);
  return (parsers[dialect] ??= make());
}

/** Syntax errors of the whole script as 1-based marker ranges. */
export function validateSql(dialect, text) {
  if (text.trim().length === 0) return [];
  return parserOf(dialect).validate(text).map(e => ({
    startLine: e.startLine,
    startColumn: e.startColumn,
    endLine: e.endLine,
    endColumn: Math.max(e.endColumn, e.startLine === e.endLine ? e.startColumn + 1 : e.endColumn),
    message: e.message,
  }));
}

/**
 * What may stand at the caret: the parser's syntax contexts (table, column, function, …) with the words typed
 * so far, the keywords that may follow, and the tables the caret's statement references (with aliases).
 * Only the caret's statement is parsed, so the cost does not grow with the script.
 */
export function analyzeCaret(dialect, text, position) {
  const parser = parserOf(dialect);
  const caret = offsetAt(text, position.lineNumber, position.column);
  const statement = statementAtOffset(text, caret) ?? { start: 0, end: text.length, text };
  // Cut the statement at its end but keep the caret inside it even when it sits after the semicolon.
  const start = Math.min(statement.start, caret);
  const end = Math.max(statement.end, caret);
  const slice = text.slice(start, end);
  const relative = positionAt(slice, caret - start);
  const suggestions = parser.getSuggestionAtCaretPosition(slice, relative) ?? { syntax: [], keywords: [] };
  const entities = parser.getAllEntities(slice, relative) ?? [];
  const tables = [];
  for (const entity of entities) {
    if (entity.entityContextType !== 'table' && entity.entityContextType !== 'view') continue;
    if (entity.isAccessible === false) continue;
    const parts = splitQualified(entity.text);
    const name = parts.pop();
    const schema = parts.length > 0 ? parts[parts.length - 1] : null;
    const alias = entity._alias ? unquote(entity._alias.text) : null;
    if (!tables.some(t => t.name === name && t.schema === schema && t.alias === alias)) tables.push({ schema, name, alias });
  }
  const before = slice.slice(0, caret - start).replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim();
  return {
    atStatementStart: /^[A-Za-z_]*$/.test(before),
    contexts: suggestions.syntax.map(s => ({ type: s.syntaxContextType, words: s.wordRanges.map(w => w.text) })),
    keywords: suggestions.keywords,
    tables,
  };
}

export function splitQualified(text) {
  return text.split('.').map(p => unquote(p.trim())).filter(p => p.length > 0);
}

export function unquote(identifier) {
  const m = /^(["`])(.*)\1$/.exec(identifier);
  return m ? m[2] : identifier;
}
