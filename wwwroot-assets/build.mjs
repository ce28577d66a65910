// Bundles the browser scripts into ../AllData.Web/wwwroot/dist as plain global scripts (IIFE, never UMD: the
// Monaco AMD loader would capture a UMD bundle). `node build.mjs --test` also bundles the parser-backed logic
// for the Node tests into .build/ (dt-sql-parser cannot be imported by Node directly).
import * as esbuild from 'esbuild';

const common = { bundle: true, minify: true, sourcemap: false, target: ['es2020'], logLevel: 'warning', legalComments: 'none' };

if (process.argv.includes('--test')) {
  await esbuild.build({ ...common, minify: false, entryPoints: { analysis: 'src/test-entry.js' }, outdir: '.build', format: 'esm', platform: 'node', outExtension: { '.js': '.mjs' } });
} else {
  await esbuild.build({
    ...common,
    entryPoints: { 'alldata-sql': 'src/sql-language.js', 'alldata-sql-worker': 'src/sql-worker.js', 'alldata-charts': 'src/charts.js' },
    outdir: '../AllData.Web/wwwroot/dist',
    format: 'iife',
    platform: 'browser',
  });
}
