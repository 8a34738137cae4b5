#!/usr/bin/env node
/**
 * Layer boundaries of src/ (docs/architecture.md), checked by `npm run lint`: a small script
 * rather than ESLint or dependency-cruiser, because the rules are a few folder-to-folder
 * prohibitions plus "no import cycle", and a script needs no dependency nor config language.
 *
 * Usage: node scripts/check-boundaries.mjs [root]   (root defaults to the repository)
 * Exit 1 and one line per violation when a rule is broken.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Layer (first folder under src/) → layers it must not import. */
export const forbidden = {
  engine: ['http', 'actions', 'protocols', 'persistence', 'toolkit', 'console', 'faults', 'auth', 'config', 'cli', 'index', 'startupQueues', 'eventSources'],
  protocols: ['engine', 'http', 'actions', 'persistence'],
  actions: ['http', 'protocols', 'persistence', 'console'],
  api: ['engine', 'http', 'actions', 'protocols', 'persistence', 'toolkit', 'eventSources'],
  persistence: ['http', 'actions', 'protocols', 'toolkit', 'console', 'eventSources'],
  eventSources: ['http', 'actions', 'protocols', 'persistence', 'toolkit', 'console', 'faults', 'auth', 'config', 'cli', 'index', 'startupQueues'],
};

const STATIC = /^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every relative import of every file under src/: file → [{ target, spec, typeOnly }]. */
function importGraph(src) {
  const files = tsFiles(src);
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const edges = [];
    const text = readFileSync(file, 'utf8');
    const add = (spec, typeOnly) => {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (known.has(target)) edges.push({ target, spec, typeOnly });
    };
    for (const m of text.matchAll(STATIC)) add(m[2], m[1] !== undefined);
    for (const m of text.matchAll(DYNAMIC)) add(m[1], false);
    graph.set(file, edges);
  }
  return graph;
}

/** Import cycles, depth-first, through `import type` edges too: a type-only cycle still ties two files together. */
function cycles(root, graph) {
  const found = [];
  const state = new Map();
  const stack = [];
  const visit = (file) => {
    state.set(file, 'open');
    stack.push(file);
    for (const { target } of graph.get(file)) {
      if (state.get(target) === 'open') {
        found.push(`import cycle: ${[...stack.slice(stack.indexOf(target)), target].map((f) => relative(root, f)).join(' -> ')}`);
      } else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

/** Problems, each failing the check: a forbidden import between layers, or an import cycle. */
export function check(root) {
  const src = join(root, 'src');
  const graph = importGraph(src);
  const layerOf = (file) => relative(src, file).split(sep)[0].replace(/\.ts$/, '');
  const problems = [];
  for (const [file, edges] of graph) {
    for (const { target, spec } of edges) {
      const from = layerOf(file);
      const to = layerOf(target);
      if (from !== to && forbidden[from]?.includes(to)) problems.push(`${relative(root, file)}: the ${from} layer must not import ${to} (${spec})`);
    }
  }
  problems.push(...cycles(root, graph));
  return { problems };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const { problems } = check(root);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`check-boundaries: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log('check-boundaries: layer boundaries hold, no import cycles');
}
