#!/usr/bin/env node
/**
 * `npm run conformance -- [--report [file.md]] [--record [dir]] [--endpoint URL] [--target aws|emulator]
 *                        [--only <name pattern>]`
 *
 * Maps the flags to the SQS_CONFORMANCE_* environment variables read by the suite and runs jest
 * on test/conformance. Jest refuses unknown flags, so none of ours are passed through.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const env = { ...process.env };
const jestArgs = [];
const args = process.argv.slice(2);
const usage = () => {
  console.error('usage: npm run conformance -- [--report [file.md]] [--record [dir]] [--endpoint URL] [--target aws|emulator] [--only PATTERN]');
  process.exit(2);
};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
  const value = () => inline ?? args[++i] ?? usage();
  switch (flag) {
    case '--report': {
      const next = inline ?? (args[i + 1] && !args[i + 1].startsWith('--') ? args[++i] : undefined);
      env.SQS_CONFORMANCE_REPORT = next ? resolve(next) : '1';
      break;
    }
    case '--record': {
      // optional directory; default fixtures/recordings
      const next = inline ?? (args[i + 1] && !args[i + 1].startsWith('--') ? args[++i] : undefined);
      env.SQS_CONFORMANCE_RECORD = next ? resolve(next) : '1';
      break;
    }
    case '--endpoint':
      env.SQS_CONFORMANCE_ENDPOINT = value();
      break;
    case '--target': {
      const t = value();
      if (t !== 'aws' && t !== 'emulator') usage();
      env.SQS_CONFORMANCE_TARGET = t;
      break;
    }
    case '--only': {
      // filters jest's test names and, through the variable, which cases the suite runs at all
      const pattern = value();
      env.SQS_CONFORMANCE_ONLY = pattern;
      jestArgs.push('-t', pattern);
      break;
    }
    case '--help':
    case '-h':
      usage();
      break;
    default:
      console.error(`unknown flag ${a}`);
      usage();
  }
}
if (env.SQS_CONFORMANCE_RECORD && env.SQS_CONFORMANCE_TARGET !== 'aws') {
  // recordings are what real SQS said; an emulator run compares against them, never writes them
  console.error('--record needs --target aws');
  process.exit(2);
}
if (env.SQS_CONFORMANCE_TARGET === 'aws' && env.SQS_CONFORMANCE_ENDPOINT) {
  console.error('--target aws and --endpoint exclude each other');
  process.exit(2);
}
const child = spawn(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js', 'test/conformance', ...jestArgs],
  { cwd: root, env, stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
