#!/usr/bin/env node
// Builds dist/ (tsc, the console's assets, then the bundled dist/cli.js) unless it is current:
// `npm start` runs this through `prestart`, so a start after an unchanged checkout does not
// spend a second and more in tsc. `--force` (what `npm run build` passes) always builds.
//
// Current means: dist/.build-stamp exists and is newer than every file and directory under
// src/ (a directory's mtime changes when an entry is added, removed or renamed) and than the
// tsconfig files and package.json. The stamp takes the time the build started, so a file
// saved during a build makes the next start build again.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newest(path) {
  const st = statSync(path);
  let latest = st.mtimeMs;
  if (st.isDirectory()) for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function stampTime() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * dist/cli.js as one file plus the chunks of what it loads on first use (dist/cli-*.js), from
 * src/cli.ts: Node 20 pays for each module file it loads, and the command line starts ~20%
 * faster bundled (docs/performance.md, "Start-up, round 3"). tsc's dist/ stays as it is for the package's
 * programmatic entry, dist/index.js. The chunks sit in dist/ itself, so that paths taken from
 * import.meta.url (../package.json for the version) resolve as they do from tsc's files; the
 * console stays tsc's dist/console/console.js, whose assets lie next to it.
 */
async function bundleCli() {
  const { build: esbuild } = await import('esbuild');
  for (const name of readdirSync(join(root, 'dist'))) if (name.startsWith('cli-')) rmSync(join(root, 'dist', name));
  const consoleModule = join(root, 'src/console/console.ts');
  await esbuild({
    absWorkingDir: root,
    entryPoints: ['src/cli.ts'],
    outdir: 'dist',
    entryNames: '[name]',
    chunkNames: 'cli-[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'console-from-tsc',
        setup(b) {
          b.onResolve({ filter: /console\/console\.js$/ }, (args) =>
            join(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === consoleModule ? { path: './console/console.js', external: true } : undefined,
          );
        },
      },
    ],
  });
}

async function build() {
  const started = new Date();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  cpSync(join(root, 'src/console/assets'), join(root, 'dist/console/assets'), { recursive: true });
  await bundleCli();
  writeFileSync(stamp, `built ${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
}

const force = process.argv.includes('--force');
const built = stampTime();
const changed = built === null ? 0 : Math.max(newest(join(root, 'src')), ...inputs.map((f) => newest(join(root, f))));
if (force || built === null || changed > built) {
  if (!force) process.stderr.write(`sqs-emulator: ${built === null ? 'no build in dist' : 'sources changed since the last build'}: building\n`);
  await build();
} else {
  process.stderr.write('sqs-emulator: dist is current, not rebuilding (npm run build forces a build)\n');
}
