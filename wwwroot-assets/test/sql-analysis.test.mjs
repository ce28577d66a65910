import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaret, buildCompletions, validateSql } from '../.build/analysis.mjs';

test('valid Flink SQL has no markers', () => {
  const sql = "CREATE TABLE src (id BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'datagen');\nINSERT INTO snk SELECT id FROM src;";
  assert.deepEqual(validateSql('flinksql', sql), []);
});

test('a Flink SQL typo is marked on its line and column', () => {
  const markers = validateSql('flinksql', 'SELECT * FROM t;\nSELEC x FROM y;');
  assert.equal(markers.length, 1);
  assert.equal(markers[0].startLine, 2);
  assert.equal(markers[0].startColumn, 1);
  assert.match(markers[0].message, /SELEC/);
});

test('valid PostgreSQL has no markers', () => {
  assert.deepEqual(validateSql('pgsql', "SELECT id, name FROM public.users WHERE created_at > now() - interval '1 day';"), []);
});

test('a PostgreSQL typo is marked on its line and column', () => {
  const markers = validateSql('pgsql', 'select 1;\nselect * fro t;');
  assert.equal(markers.length, 1);
  assert.equal(markers[0].startLine, 2);
  assert.equal(markers[0].startColumn, 10);
});

test('after FROM the caret expects a table', () => {
  const analysis = analyzeCaret('pgsql', 'SELECT 1;\nSELECT * FROM ', { lineNumber: 2, column: 15 });
  assert.ok(analysis.contexts.some(c => c.type === 'table'));
});

test('tables in scope carry their schema and alias', () => {
  const sql = 'SELECT 1;\nSELECT o. FROM orders o JOIN sales.customers c ON o.id = c.id';
  const analysis = analyzeCaret('pgsql', sql, { lineNumber: 2, column: 10 });
  assert.deepEqual(analysis.tables, [{ schema: null, name: 'orders', alias: 'o' }, { schema: 'sales', name: 'customers', alias: 'c' }]);
});

const catalog = {
  schemas: async () => ['public', 'sales'],
  tables: async schema => schema === 'sales' ? [{ schema: 'sales', name: 'customers' }] : [{ schema: 'public', name: 'orders' }, { schema: 'sales', name: 'customers' }],
  columns: async (schema, table) => table === 'customers' ? [{ name: 'customer_id', dataType: 'bigint' }, { name: 'email', dataType: 'text' }] : [{ name: 'order_id', dataType: 'bigint' }, { name: 'amount', dataType: 'numeric' }],
};

test('completion after FROM offers schemas and tables from the catalog', async () => {
  const sql = 'SELECT * FROM ';
  const analysis = analyzeCaret('pgsql', sql, { lineNumber: 1, column: 15 });
  const items = await buildCompletions({ dialect: 'pgsql', analysis, linePrefix: sql, variables: [], catalog });
  assert.ok(items.some(i => i.kind === 'table' && i.label === 'orders'));
  assert.ok(items.some(i => i.kind === 'schema' && i.label === 'sales'));
});

test('completion after an alias and a dot offers only that table\'s columns', async () => {
  const sql = 'SELECT c. FROM orders o JOIN sales.customers c ON o.id = c.id';
  const analysis = analyzeCaret('pgsql', sql, { lineNumber: 1, column: 10 });
  const items = await buildCompletions({ dialect: 'pgsql', analysis, linePrefix: 'SELECT c.', variables: [], catalog });
  assert.deepEqual(items.map(i => i.label).sort(), ['customer_id', 'email']);
});

test('completion in a Flink select list offers columns of the tables in scope and functions with signatures', async () => {
  const sql = 'SELECT  FROM orders';
  const analysis = analyzeCaret('flinksql', sql, { lineNumber: 1, column: 8 });
  const items = await buildCompletions({ dialect: 'flinksql', analysis, linePrefix: 'SELECT ', variables: [], catalog });
  assert.ok(items.some(i => i.kind === 'column' && i.label === 'order_id'));
  const tumble = items.find(i => i.label === 'TUMBLE');
  assert.match(tumble.detail, /DESCRIPTOR/);
});

test('a dollar sign offers the variables only', async () => {
  const items = await buildCompletions({ dialect: 'flinksql', analysis: null, linePrefix: "WHERE dt = '${", variables: ['biz_date', 'env'], catalog });
  assert.deepEqual(items.map(i => i.label), ['${biz_date}', '${env}']);
});

test('an empty Flink script offers connector snippets', async () => {
  const analysis = analyzeCaret('flinksql', '', { lineNumber: 1, column: 1 });
  const items = await buildCompletions({ dialect: 'flinksql', analysis, linePrefix: '', variables: [], catalog: null });
  assert.ok(items.some(i => i.kind === 'snippet' && i.label === 'create table kafka' && i.insertText.includes("'connector' = 'kafka'")));
});

test('MySQL sources are validated with the MySQL grammar (backticks, REPLACE) and typos are marked', () => {
  assert.deepEqual(validateSql('mysql', "SELECT `order date` FROM `orders` WHERE id = 1;\nREPLACE INTO t (a) VALUES (1);"), []);
  const markers = validateSql('mysql', 'SELECT 1;\nSELEC x FROM y;');
  assert.equal(markers.length, 1);
  assert.equal(markers[0].startLine, 2);
});
