// Entry of the Node test bundle: everything the tests exercise that depends on dt-sql-parser.
export { analyzeCaret, validateSql } from './sql-analysis.js';
export { buildCompletions } from './sql-completion.js';
