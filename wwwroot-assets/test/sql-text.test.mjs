import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offsetAt, positionAt, splitStatements, statementAtOffset, variableCompletions, variableTrigger } from '../src/sql-text.js';

test('statements split at semicolons outside quotes, comments and dollar bodies', () => {
  const sql = "SELECT 'a;b' AS x; -- c;d\nSELECT \"q;\" FROM t /* ; */;\nDO $body$ BEGIN PERFORM 1; END $body$;\nSELECT E'it\\'s;';";
  const texts = splitStatements(sql).map(s => s.text.trim());
  assert.deepEqual(texts, [
    "SELECT 'a;b' AS x;",
    "-- c;d\nSELECT \"q;\" FROM t /* ; */;",
    'DO $body$ BEGIN PERFORM 1; END $body$;',
    "SELECT E'it\\'s;';",
  ]);
});

test('statement at cursor is the one containing the caret', () => {
  const sql = 'SELECT 1;\nSELECT 2 FROM t;\n\nSELECT 3';
  const offset = sql.indexOf('2 FROM');
  assert.equal(statementAtOffset(sql, offset).text, 'SELECT 2 FROM t;');
  assert.equal(statementAtOffset(sql, sql.length).text, 'SELECT 3');
});

test('statement at cursor on a blank line after a statement is the previous statement', () => {
  const sql = 'SELECT 1;\nSELECT 2;\n\n';
  assert.equal(statementAtOffset(sql, sql.length).text, 'SELECT 2;');
});

test('offsets and positions convert both ways', () => {
  const sql = 'ab\ncde\nf';
  assert.equal(offsetAt(sql, 2, 2), 4);
  assert.deepEqual(positionAt(sql, 4), { lineNumber: 2, column: 2 });
});

test('typing a dollar or an open variable reference triggers variable completion', () => {
  assert.deepEqual(variableTrigger("WHERE d = '$"), { startColumn: 12, prefix: '', braced: false });
  assert.deepEqual(variableTrigger('WHERE d = ${da'), { startColumn: 11, prefix: 'da', braced: true });
  assert.equal(variableTrigger('WHERE d = $abc'), null);
  assert.equal(variableTrigger('SELECT 1'), null);
  const items = variableCompletions(['date', 'env', 'day'], variableTrigger('x = ${da'));
  assert.deepEqual(items.map(i => i.insertText), ['${date}', '${day}']);
});
