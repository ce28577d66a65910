// Web Worker: parses off the UI thread. Messages: { id, op: 'validate'|'analyze', dialect, text, position }.
import { analyzeCaret, validateSql } from './sql-analysis.js';

self.onmessage = event => {
  const { id, op, dialect, text, position } = event.data;
  try {
    const result = op === 'validate' ? validateSql(dialect, text) : analyzeCaret(dialect, text, position);
    self.postMessage({ id, result });
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
};
