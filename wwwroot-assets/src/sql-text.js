// Pure text helpers shared by the Monaco glue, the parser worker and the Node tests (no Monaco, no parser).

/** 0-based offset of a 1-based (line, column) position in text. */
export function offsetAt(text, lineNumber, column) {
  let offset = 0;
  for (let line = 1; line < lineNumber; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + column - 1, text.length);
}

/** 1-based (line, column) of a 0-based offset in text. */
export function positionAt(text, offset) {
  let lineNumber = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) { lineNumber++; lineStart = i + 1; }
  }
  return { lineNumber, column: end - lineStart + 1 };
}

/**
 * Splits a script at top-level semicolons, skipping quotes ('…' with doubled quotes and E'' escapes, "…", `…`),
 * line and block comments and PostgreSQL dollar-quoted bodies. Returns [{ start, end, text }] with 0-based
 * offsets; end is exclusive and includes the terminating semicolon when there is one. Blank pieces are kept
 * out. The domain's SqlScript remains the authority for running; this serves the editor.
 */
export function splitStatements(text) {
  const pieces = [];
  let start = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      const escapes = c === "'" && i > 0 && (text[i - 1] === 'E' || text[i - 1] === 'e');
      i++;
      while (i < n) {
        if (escapes && text[i] === '\\') { i += 2; continue; }
        if (text[i] === c) {
          if (text[i + 1] === c) { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(text.slice(i, i + 64));
      if (tag && !(i > 0 && /[A-Za-z0-9_]/.test(text[i - 1]))) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
      } else {
        i++;
      }
    } else if (c === ';') {
      pushPiece(pieces, text, start, i + 1);
      start = i + 1;
      i++;
    } else {
      i++;
    }
  }
  pushPiece(pieces, text, start, n);
  return pieces;
}

function pushPiece(pieces, text, start, end) {
  const slice = text.slice(start, end);
  if (stripComments(slice).replace(/;/g, '').trim().length === 0) return;
  // Leading blank lines and comments belong to no statement: start at the first significant character.
  let s = start;
  while (s < end && /\s/.test(text[s])) s++;
  pieces.push({ start: s, end, text: text.slice(s, end) });
}

function stripComments(sql) {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

/**
 * The statement the caret is in (or right after, when the caret sits behind a semicolon or on a blank line
 * after it); null when the script has none. offset is 0-based.
 */
export function statementAtOffset(text, offset) {
  const pieces = splitStatements(text);
  if (pieces.length === 0) return null;
  let candidate = null;
  for (const piece of pieces) {
    if (offset >= piece.start && offset <= piece.end) return piece;
    if (piece.end <= offset) candidate = piece;
  }
  return candidate ?? pieces[0];
}

/**
 * When the caret is inside a `${name` variable reference, tells where the reference starts and what was
 * typed of the name so far; null otherwise. linePrefix is the line's text before the caret.
 */
export function variableTrigger(linePrefix) {
  const match = /\$(\{)?([A-Za-z0-9_.]*)$/.exec(linePrefix);
  if (!match) return null;
  if (!match[1] && match[2].length > 0) return null; // "$abc" without a brace is not a variable reference
  return { startColumn: match.index + 1, prefix: match[2], braced: Boolean(match[1]) };
}

/** The completion texts for variables, given what was typed. */
export function variableCompletions(variables, trigger) {
  const prefix = trigger.prefix.toLowerCase();
  return variables
    .filter(v => v.toLowerCase().startsWith(prefix))
    .map(v => ({ label: '${' + v + '}', insertText: '${' + v + '}' }));
}
