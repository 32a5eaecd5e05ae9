/**
 * Bundles the `pos-agent` command line into dist/bin/ with esbuild (docs/startup.md has the figures:
 * a terminal reboots with the shop waiting):
 * - the bin, dist/bin/pos-agent.js (agent/cli/launch.ts): a few lines that load one file;
 * - each command of agent/cli/whole-file-commands.ts whole, with the command line around it, in one
 *   file (dist/bin/chunks/whole-<name>.js): node's ES module loader costs ~0.7 ms a file;
 * - the split bundle for the rest: dist/bin/main.js and a chunk per lazily loaded part (each command,
 *   the MQTT sync, the embedded broker, the printer) or part shared by several, so a start reads a
 *   handful of files instead of resolving and linking some 150 modules one by one.
 *
 * Left outside the bundle, loaded from node_modules at run time:
 * - native addons (better-sqlite3, serialport, @node-rs/argon2 of the portal's passwords) and what loads files of its own by name (aedes,
 *   pg), which a bundler cannot inline; pino-pretty, loaded only for a person at a terminal;
 * - what is loaded on first use through createRequire (yaml, string-width): a bundler only
 *   follows static imports. zod too, but trimmed: protocol/zod-vendor.ts and
 *   protocol/zod-mini-vendor.ts (the members we use) are bundled into dist/bin/chunks/, where
 *   protocol/zod.ts looks for them.
 * Everything else (commander, pino, mqtt, csv-stringify, cli-progress and our own modules) is inlined.
 *
 *   node dist/scripts/bundle.js      (part of `npm run build`)
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WHOLE_FILE_COMMANDS } from '../agent/cli/whole-file-commands.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = `${ROOT}dist/bin`;

/** Packages loaded from node_modules at run time (see the header). */
const EXTERNAL = [
  'better-sqlite3',
  'serialport',
  'serialport/*',
  '@serialport/*',
  'pino-pretty',
  'aedes',
  'pg',
  '@node-rs/argon2',
];

/**
 * commander loads node:child_process when it is loaded (for subcommands that are programs of their
 * own, which we do not use), and with it net, dgram and the stream modules: ~5 ms of every start.
 * Its copy gets a stand-in that loads the real module on first use.
 */
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'lazy-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents:
        "let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:child_process'))[key] });\n",
      loader: 'js',
    }));
  },
};

/**
 * pino's sonic-boom and thread-stream load node:assert (and with it its error and diff modules,
 * ~3 ms of every start) for one call each that no start makes (closing the stream; a transport's
 * drain). Their copies get a function that loads it on its first call.
 */
const lazyAssert: Plugin = {
  name: 'lazy-assert',
  setup(b) {
    b.onResolve({ filter: /^(node:)?assert$/ }, (args) =>
      /[\\/]node_modules[\\/](sonic-boom|thread-stream)[\\/]/.test(args.importer)
        ? { path: 'assert', namespace: 'lazy-assert' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-assert' }, () => ({
      contents: "module.exports = function assert(...args) { return require('node:assert')(...args); };\n",
      loader: 'js',
    }));
  },
};

/**
 * In a whole-file bundle (agent/cli/launch.ts), the other commands' modules: the command list
 * names them all, and only the one bundled is ever loaded in that file.
 */
function otherCommandsLeftOut(name: string): Plugin {
  return {
    name: 'other-commands-left-out',
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (args) =>
        args.kind === 'dynamic-import' &&
        /[\\/]agent[\\/]cli[\\/]command-list\.ts$/.test(args.importer) &&
        args.path !== `./commands/${name}.js`
          ? { path: args.path, namespace: 'other-command' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'other-command' }, (args) => ({
        contents: `export function register() { throw new Error(${JSON.stringify(`${args.path} is not in the ${name} file`)}); }\n`,
        loader: 'js',
      }));
    },
  };
}

/** What every build shares. */
const COMMON: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // inlined CommonJS packages (commander, mqtt) require() node's own modules: give the bundle a
  // require of its own, as an ES module has none
  banner: {
    js: "import { createRequire as __posAgentRequire } from 'node:module';\nconst require = __posAgentRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  // whitespace and syntax only: V8 parses every byte of a file it loads, and names stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  // the catalogs' Cyrillic and Chinese as UTF-8, not \uXXXX escapes: a third of the bytes to read
  // and parse (ru alone went from 75 to ~30 KB)
  charset: 'utf8',
};

/**
 * The command's own parts it loads lazily (dynamic imports in the files its chunk loads, other than
 * the command list's imports of the commands), from the split build's list of outputs.
 */
function lazyParts(meta: Metafile, command: string): string[] {
  const outputs = meta.outputs;
  const entry = Object.keys(outputs).find(
    (f) => outputs[f]?.entryPoint === `agent/cli/commands/${command}.ts`,
  );
  if (entry === undefined) throw new Error(`no chunk for the command ${command}`);
  const seen = new Set<string>();
  const lazy = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of outputs[file]?.imports ?? []) {
      if (i.kind === 'import-statement' && outputs[i.path]) walk(i.path);
      if (i.kind === 'dynamic-import') {
        const target = outputs[i.path]?.entryPoint ?? i.path;
        if (!/^agent\/cli\/commands\/[a-z-]+\.ts$/.test(target)) lazy.add(target);
      }
    }
  };
  walk(entry);
  return [...lazy];
}

rmSync(OUT, { recursive: true, force: true });
// the command line, split: dist/bin/main.js and a chunk per part that more than one file shares
const result = await build({
  ...COMMON,
  entryPoints: { main: 'agent/cli/main.ts' },
  outdir: OUT,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  plugins: [lazyChildProcess, lazyAssert],
});
const meta = result.metafile as Metafile;
// each command that loads nothing lazily, whole in one file beside the chunks (so the relative
// names it loads by, such as the trimmed zod's, are the same as from a chunk)
for (const name of WHOLE_FILE_COMMANDS) {
  const lazy = lazyParts(meta, name);
  if (lazy.length > 0)
    throw new Error(
      `${name} loads ${lazy.join(', ')} lazily: take it out of WHOLE_FILE_COMMANDS (agent/cli/whole-file-commands.ts)`,
    );
  const whole = await build({
    ...COMMON,
    entryPoints: { [`whole-${name}`]: 'agent/cli/main.ts' },
    outdir: `${OUT}/chunks`,
    plugins: [lazyChildProcess, lazyAssert, otherCommandsLeftOut(name)],
  });
  Object.assign(meta.outputs, (whole.metafile as Metafile).outputs);
}
// the trimmed zod, beside the chunk that loads it by the relative names './zod-vendor.js' and
// './zod-mini-vendor.js'
const loader = Object.entries(meta.outputs).find(([, o]) => 'protocol/zod.ts' in o.inputs);
if (!loader || !loader[0].startsWith('dist/bin/chunks/'))
  throw new Error(`protocol/zod.ts is in ${loader?.[0] ?? 'no output'}, not in dist/bin/chunks/`);
// the two trimmed zods, each a file of its own with zod's core trimmed to what it uses: the
// config's functional API alone is 45 KB to load at every start, where one core shared with the
// chained API (esbuild's splitting) made 137 KB. A command that uses both loads each.
for (const name of ['zod-vendor', 'zod-mini-vendor'])
  // minified as the others: 216 KB of zod source became 157 KB to parse at every start that checks
  // input; zod itself inlined, and no require of its own needed
  await build({
    ...COMMON,
    entryPoints: { [name]: `protocol/${name}.ts` },
    outdir: `${OUT}/chunks`,
    external: [],
    banner: {},
  });

// the bin, last (a build refused above leaves no bin, so the tests' build check sees it missing),
// and a build of its own: in the split build, esbuild makes every entry import the chunk of its
// helper functions, one more file to read on every start
const bin = await build({
  ...COMMON,
  entryPoints: { 'pos-agent': 'agent/cli/launch.ts' },
  outdir: OUT,
  banner: {},
  plugins: [
    {
      name: 'split-main-external',
      setup(b) {
        b.onResolve({ filter: /^\.\/main\.js$/ }, () => ({ path: './main.js', external: true }));
      },
    },
  ],
});
Object.assign(meta.outputs, (bin.metafile as Metafile).outputs);

// which sources went into which file: the start-up test reads it to name the packages a command loaded
writeFileSync(`${OUT}/meta.json`, JSON.stringify(meta));
const files = Object.keys(meta.outputs).filter((f) => f.endsWith('.js'));
process.stdout.write(`bundle: ${files.length} files in dist/bin\n`);
