// Bundles the page into the analyzer's classes: node build.mjs <output dir>.
// Assets get content hashes in their names, so the server can let browsers cache them for good;
// index.html (never cached) is written last with the hashed names in it.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs <output dir>');
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['es2020'],
  entryNames: '[name]-[hash]',
  outdir: join(out, 'assets'),
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
const html = readFileSync('src/index.html', 'utf8')
  .replace('{{app.js}}', `assets/${js}`)
  .replace('{{app.css}}', `assets/${css}`);
writeFileSync(join(out, 'index.html'), html);
console.log(`web page: ${outputs.join(', ')}, index.html -> ${out}`);
