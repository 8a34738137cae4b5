/**
 * `npm run lint` checks the layer boundaries (scripts/check-boundaries.mjs): the tree as it is
 * passes, and a deliberately wrong import or an import cycle (type-only ones too) makes it fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/check-boundaries.mjs');

/** A copy of src/ in a scratch directory, with `edits` (path → text) written over it. */
function copyWith(edits: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sqs-emulator-lint-'));
  cpSync(join(ROOT, 'src'), join(root, 'src'), { recursive: true });
  for (const [path, text] of Object.entries(edits)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const lint = (root: string) => spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });

test('the source tree keeps its boundaries', () => {
  expect(execFileSync(process.execPath, [SCRIPT, ROOT], { encoding: 'utf8' })).toMatch(/layer boundaries hold/);
});

test.each([
  ['engine', 'http', 'src/engine/leak.ts', "import { dispatch } from '../http/dispatch.js';\nexport const x = dispatch;\n"],
  ['engine', 'persistence', 'src/engine/leak.ts', "import type { Store } from '../persistence/store.js';\nexport type X = Store;\n"],
  ['protocols', 'engine', 'src/protocols/leak.ts', "export { Engine } from '../engine/engine.js';\n"],
  ['actions', 'http', 'src/actions/leak.ts', "const m = await import('../http/app.js');\nexport default m;\n"],
])('a %s file importing %s fails the lint', (from, to, path, text) => {
  const r = lint(copyWith({ [path]: text }));
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`${path}: the ${from} layer must not import ${to}`);
});

test('an import cycle at run time fails the lint; the message names the files', () => {
  const r = lint(
    copyWith({
      'src/api/cycleA.ts': "import { b } from './cycleB.js';\nexport const a = () => b;\n",
      'src/api/cycleB.ts': "import { a } from './cycleA.js';\nexport const b = () => a;\n",
    }),
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/import cycle: src\/api\/cycle(A|B)\.ts -> src\/api\/cycle(B|A)\.ts -> src\/api\/cycle(A|B)\.ts/);
});

test('a cycle through `import type` alone fails the lint too', () => {
  const r = lint(
    copyWith({
      'src/api/typeA.ts': "import type { B } from './typeB.js';\nexport interface A { b?: B }\n",
      'src/api/typeB.ts': "import type { A } from './typeA.js';\nexport interface B { a?: A }\n",
    }),
  );
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/import cycle: src\/api\/type(A|B)\.ts -> src\/api\/type(B|A)\.ts -> src\/api\/type(A|B)\.ts/);
});
