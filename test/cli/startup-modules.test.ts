/**
 * Start-up (issue 10, item 8): each command loads only what it uses. The built CLI runs with a
 * module hook that names every file it loads (ES modules through a load hook, CommonJS through
 * Module.prototype._compile); the test checks which packages each command brought in: files from
 * node_modules directly, and the packages the bundle inlined into each of its files that was loaded
 * (dist/bin/meta.json, esbuild's list of the sources in each output file). The time
 * itself is measured by `npm run bench:start`, never here.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { ROOT } from '../helpers/global-build.js';
import { tempDir } from '../helpers/tmp.js';

let dir: string;
let hook: string;

beforeAll(() => {
  dir = tempDir('startup-modules-');
  const loader = join(dir, 'loader.mjs');
  writeFileSync(
    loader,
    `import { writeSync } from 'node:fs';
export async function load(url, ctx, next) {
  const r = await next(url, ctx);
  writeSync(2, 'MODULE ' + url + '\\n');
  return r;
}
`,
  );
  hook = join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    `import Module, { register } from 'node:module';
import { writeSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(loader).href)});
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, file) {
  writeSync(2, 'MODULE ' + file + '\\n');
  return compile.call(this, content, file);
};
const before = new Set(process.moduleLoadList);
process.on('exit', () => {
  const added = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule '));
  writeSync(2, 'BUILTINS ' + added.map((m) => m.slice(13)).join(' ') + '\\n');
});
`,
  );
});

/** The package of a node_modules path, e.g. `node_modules/@serialport/stream/x.js` → `@serialport/stream`. */
function packageOf(path: string): string | null {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return m ? m[1]! : null;
}

/** Packages inlined into each file of the bundle (relative to the repo root, as esbuild names them). */
function bundledPackages(): Map<string, Set<string>> {
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist/bin/meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const out = new Map<string, Set<string>>();
  for (const [file, o] of Object.entries(meta.outputs)) {
    const names = new Set<string>();
    for (const input of Object.keys(o.inputs)) {
      const name = packageOf(input);
      if (name !== null) names.add(name);
    }
    out.set(file, names);
  }
  return out;
}

/** Packages (node_modules names) whose files the command loaded, until it exits or prints `until`. */
function packagesLoaded(args: string[], opts: { stdin?: string; until?: string } = {}): Promise<Set<string>> {
  return modulesLoaded(args, opts).then((m) => m.packages);
}

/**
 * The packages and node's own modules (`net`, `child_process`, ...) the command loaded, until it
 * exits or prints `until` (then SIGTERM: the modules its shutdown loads count too).
 */
function modulesLoaded(
  args: string[],
  opts: { stdin?: string; until?: string } = {},
): Promise<{ packages: Set<string>; builtins: Set<string>; files: Set<string> }> {
  const stdin = opts.stdin === undefined ? 'ignore' : openSync(opts.stdin, 'r');
  const child = spawn(process.execPath, ['--import', hook, CLI, ...args], {
    cwd: dir,
    stdio: [stdin, 'ignore', 'pipe'],
  });
  if (typeof stdin === 'number') closeSync(stdin);
  let err = '';
  let stopSent = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\n${err.slice(-2000)}`));
    }, 20_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      // once: a second SIGTERM while the agent stops would kill it before the hook lists modules
      if (opts.until !== undefined && !stopSent && err.includes(opts.until)) {
        stopSent = true;
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal !== 'SIGTERM') {
        reject(new Error(`${args.join(' ')}: exit ${code ?? signal}\n${err.slice(-2000)}`));
        return;
      }
      if (opts.until !== undefined && !err.includes(opts.until)) {
        reject(new Error(`${args.join(' ')}: no ${opts.until}\n${err.slice(-2000)}`));
        return;
      }
      const names = new Set<string>();
      const files = new Set<string>();
      const bundled = bundledPackages();
      for (const m of err.matchAll(/^MODULE (.*)$/gm)) {
        const file = m[1]!.startsWith('file:') ? fileURLToPath(m[1]!) : m[1]!;
        const name = packageOf(file);
        if (name !== null) names.add(name);
        files.add(relative(ROOT, file));
        for (const inlined of bundled.get(relative(ROOT, file)) ?? []) names.add(inlined);
      }
      const builtins = /^BUILTINS (.*)$/m.exec(err);
      if (!builtins) {
        reject(
          new Error(
            `${args.join(' ')}: the hook did not list node's modules (exit ${code ?? signal})\n${err.slice(-2000)}`,
          ),
        );
        return;
      }
      resolve({ packages: names, builtins: new Set(builtins[1]!.split(' ')), files });
    });
  });
}

/** Loaded by no command below: each belongs to a command or an option these do not use. */
const NEVER_HERE = ['mqtt', 'aedes', 'pg', 'playwright-core', 'csv-stringify', 'cli-progress', 'yaml'];

describe('start-up: a command loads what it uses', () => {
  it('explain 51: two files of ours (the bin and the whole explain), no validator, store, logger or serial port', async () => {
    const { packages: p, files } = await modulesLoaded(['explain', '51']);
    expect(p.has('commander')).toBe(true); // the hook sees packages at all
    // the ES module loader's cost is per file: a whole-file command reads the bin and its own file
    // (agent/cli/launch.ts), where the split bundle read 21
    expect([...files].filter((f) => f.startsWith('dist/')).sort()).toEqual([
      'dist/bin/chunks/whole-explain.js',
      'dist/bin/pos-agent.js',
    ]);
    for (const name of [
      ...NEVER_HERE,
      'zod',
      'better-sqlite3',
      'pino',
      'serialport',
      '@serialport/bindings-cpp',
    ])
      expect([name, p.has(name)]).toEqual([name, false]);
  });

  it('decode --hex: the codec and commander only, in one file of its own', async () => {
    const { packages: p, files } = await modulesLoaded(['decode', '--hex'], {
      stdin: join(ROOT, 'samples/0210-decline-51.hex'),
    });
    expect([...p].sort()).toEqual(['commander']);
    expect([...files].filter((f) => f.startsWith('dist/')).sort()).toEqual([
      'dist/bin/chunks/whole-decode.js',
      'dist/bin/pos-agent.js',
    ]);
  });

  it('--help: no command module (their help lines are data: agent/cli/command-list.ts)', async () => {
    const p = await packagesLoaded(['--help']);
    // decode's, explain's and the others' code would bring zod, pino, better-sqlite3, ...
    expect([...p].sort()).toEqual(['commander']);
  });

  it('run --simulate: no serial port, MQTT, broker, PostgreSQL or browser', async () => {
    const db = join(dir, 'run.db');
    const {
      packages: p,
      builtins,
      files,
    } = await modulesLoaded(['run', '--simulate', '--broker', 'none', '--display', 'none', '--db', db], {
      until: '"event":"agent_started"',
    });
    // the pty and TCP outputs of `simulate` are not the in-process simulator's: node's child_process
    // (with dgram) costs ~14 ms of a start here. net is loaded anyway: stderr is a pipe.
    expect(builtins.has('crypto')).toBe(true); // the list is node's modules at all
    for (const name of ['child_process', 'dgram']) expect([name, builtins.has(name)]).toEqual([name, false]);
    expect(p.has('better-sqlite3')).toBe(true);
    // the config is checked with the trimmed functional zod the bundle carries, never the whole
    // package nor the chained API's trimmed build (157 KB to load where this one is 45 KB)
    expect(p.has('zod')).toBe(false);
    expect(files.has('dist/bin/chunks/zod-mini-vendor.js')).toBe(true);
    expect(files.has('dist/bin/chunks/zod-vendor.js')).toBe(false);
    for (const name of [...NEVER_HERE, 'serialport', '@serialport/bindings-cpp', 'pino-pretty'])
      expect([name, p.has(name)]).toEqual([name, false]);
  });
});
