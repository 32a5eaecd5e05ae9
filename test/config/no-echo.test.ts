/**
 * A file the config names (the config file itself, texts, a dialect, a TLS file) that is not
 * what it should be is refused naming the file or key and the reason, never quoting what it holds;
 * a URL that does not parse is shown without its password. In-process; test/e2e/no-echo.test.ts
 * checks the same through the built CLI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { ConfigError, loadConfig, redactConfig, validateConfig } from '../../agent/config/index.js';
import { readTextFile } from '../../agent/config/data-file.js';
import { resolveDialect } from '../../agent/decode/decode-stream.js';
import { redactUrl, silentLogger } from '../../agent/log.js';
import { startAgent } from '../../agent/run/agent.js';
import { readPem } from '../../agent/sync/pem.js';

export const KEY_LINE = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDfakeKEYzQ9x';
export const SHADOW_LINE = 'root:$6$Qx7saltQ$AuditShadowHashValue0123456789abcdef:19700:0:99999:7:::';
const FOREIGN = `${KEY_LINE}\n${SHADOW_LINE}\n`;
const FRAGMENTS = ['MIIEvQ', 'fakeKEY', 'AuditShadow', 'Qx7salt', 'root:$6'];

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return `${(e as { code?: string }).code ?? ''}: ${(e as Error).message}`;
  }
  throw new Error('expected an error');
}

async function asyncMessageOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return `${(e as { code?: string }).code ?? ''}: ${(e as Error).message}`;
  }
  throw new Error('expected an error');
}

function expectNoContent(out: string): void {
  for (const f of FRAGMENTS) expect(out, `the error quotes the file: ${out}`).not.toContain(f);
}

let dir: string;
beforeAll(() => {
  dir = tempDir('cfg-noecho-');
  for (const ext of ['txt', 'json', 'yaml', 'pem']) writeFileSync(join(dir, `foreign.${ext}`), FOREIGN);
});

describe('a file the config names is never quoted', () => {
  it.each(['foreign.txt', 'foreign.json', 'foreign.yaml'])('--config %s', (name) => {
    const m = messageOf(() => loadConfig({ file: join(dir, name) }));
    expect(m).toContain(`config --config = ${JSON.stringify(join(dir, name))}: not valid`);
    expect(m).toMatch(/line \d+|ends early|JSON$/);
    expectNoContent(m);
  });

  it('a device or directory is refused without reading it; a pipe is read', () => {
    expect(messageOf(() => loadConfig({ file: '/dev/zero' }))).toContain('not a regular file');
    expect(messageOf(() => loadConfig({ file: dir }))).toContain('not a regular file');
    const fifo = join(dir, 'p.yaml');
    execFileSync('mkfifo', [fifo]);
    // the writer is another process: opening the pipe for reading waits for it
    spawn('sh', ['-c', 'printf "fleet: piped\\n" > "$1"', 'sh', fifo], { stdio: 'ignore' });
    expect(loadConfig({ file: fifo }).fleet).toBe('piped');
  });

  it('a FIFO nobody writes to is refused after a bounded wait, never a hang (fresh-clone review)', () => {
    const fifo = join(dir, 'silent.yaml');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    expect(messageOf(() => readTextFile(fifo, 1024, 300))).toContain('a pipe nobody wrote to within 0.3 s');
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 20_000);

  it('a file that parses but holds none of our sections: names neither its keys nor values', () => {
    const file = join(dir, 'props.yaml');
    writeFileSync(file, `password: ${KEY_LINE}\nAWS_SECRET_ACCESS_KEY: x\n`);
    const m = messageOf(() => loadConfig({ file }));
    expect(m).toContain('not a pos-agent config: none of its 2 top-level keys is a config section');
    expect(m).not.toContain('password');
    expect(m).not.toContain('AWS_SECRET');
    expectNoContent(m);
  });

  it('a config with a typo among real sections: names the unknown key (not its value)', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, `fleet: demo\nstroe:\n  path: ${KEY_LINE}\n`);
    const m = messageOf(() => loadConfig({ file }));
    expect(m).toContain('config stroe: unknown key');
    expectNoContent(m);
  });

  it('a texts file of another kind: its keys are not named', async () => {
    const texts = join(dir, 'env-texts.yaml');
    writeFileSync(texts, 'DB_PASSWORD: hunter2\nAPI_TOKEN: abc\n');
    const cfg = validateConfig({ texts, broker: { url: 'none' }, store: { path: join(dir, 'never.db') } });
    const m = await asyncMessageOf(() =>
      startAgent(cfg, { openLink: () => ({ close: async () => {} }) }, silentLogger(), '0.0.0'),
    );
    expect(m).toContain('not a texts file: none of its 2 top-level keys is a language tag');
    expect(m).not.toMatch(/DB_PASSWORD|API_TOKEN|hunter2/);
  });

  it('a broker URL that is not a URL is not echoed (it may be a password typed in its place)', () => {
    const m = messageOf(() => validateConfig({ broker: { url: 'correct-horse-battery' } }));
    expect(m).toMatch(/^E_CONFIG: config broker\.url: expected mqtt:/);
    expect(m).not.toContain('correct-horse');
  });

  const cases: Array<[string, Record<string, unknown>]> = [
    ['texts', { texts: 'foreign.txt' }],
    ['texts', { texts: 'foreign.json' }],
    ['texts', { texts: 'foreign.yaml' }],
    ['dialect', { dialect: 'foreign.txt' }],
    ['dialect', { dialect: 'foreign.json' }],
    ['broker.ca', { broker: { url: 'mqtts://127.0.0.1:1', ca: 'foreign.pem' } }],
    ['broker.cert', { broker: { url: 'mqtts://127.0.0.1:1', cert: 'foreign.txt' } }],
    ['broker.key', { broker: { url: 'mqtts://127.0.0.1:1', key: 'foreign.pem' } }],
    // the value itself is the foreign text (not a path): neither quoted nor opened as a path
    ['broker.key', { broker: { url: 'mqtts://127.0.0.1:1', key: FOREIGN } }],
    ['broker.ca', { broker: { url: 'mqtts://127.0.0.1:1', ca: `${KEY_LINE}${KEY_LINE}` } }],
    [
      'broker.ca',
      { broker: { url: 'mqtts://127.0.0.1:1', ca: `-----BEGIN CERTIFICATE-----\n${KEY_LINE}\n` } },
    ],
  ];
  it.each(cases)('%s: %j', async (key, raw) => {
    const cfgTree = JSON.parse(
      JSON.stringify(raw).replace(/"(foreign\.\w+)"/g, (_m, f: string) => JSON.stringify(join(dir, f))),
    ) as Record<string, unknown>;
    const cfg = validateConfig({ ...cfgTree, store: { path: join(dir, 'never-opened.db') } });
    const m = await asyncMessageOf(() =>
      startAgent(cfg, { openLink: () => ({ close: async () => {} }) }, silentLogger(), '0.0.0'),
    );
    expect(m).toContain(`config ${key}`);
    expect(m.startsWith('E_CONFIG')).toBe(true);
    expectNoContent(m);
  });

  it('a key of a foreign file that is not a short name is not shown either', async () => {
    const conf = join(dir, 'keyed.yaml');
    writeFileSync(conf, `"${KEY_LINE}": 1\n`);
    expectNoContent(messageOf(() => loadConfig({ file: conf })));
    const dialect = join(dir, 'keyed-dialect.json');
    writeFileSync(dialect, JSON.stringify({ name: 'x', fields: { [KEY_LINE]: {} } }));
    const dm = messageOf(() => resolveDialect(dialect));
    expect(dm).toContain('fields.');
    expectNoContent(dm);
    const texts = join(dir, 'keyed-texts.json');
    writeFileSync(texts, JSON.stringify({ [KEY_LINE]: { a: 'b' } }));
    const cfg = validateConfig({ texts, broker: { url: 'none' }, store: { path: join(dir, 'never.db') } });
    const tm = await asyncMessageOf(() =>
      startAgent(cfg, { openLink: () => ({ close: async () => {} }) }, silentLogger(), '0.0.0'),
    );
    expect(tm).toContain('config texts');
    expectNoContent(tm);
  });

  it('decode --dialect FILE that is not JSON', () => {
    const m = messageOf(() => resolveDialect(join(dir, 'foreign.txt')));
    expect(m).toContain('foreign.txt');
    expect(m).toContain('not valid JSON');
    expectNoContent(m);
  });

  it('readPem: a file or value that is not PEM', () => {
    for (const v of [join(dir, 'foreign.pem'), FOREIGN, KEY_LINE.repeat(2)])
      expectNoContent(messageOf(() => readPem(v)));
    expect(messageOf(() => readPem(join(dir, 'foreign.pem')))).toContain('not a PEM file');
    expect(messageOf(() => readPem(join(dir, 'missing.pem')))).toContain('ENOENT');
  });
});

describe('--print-config', () => {
  it('never shows a private key given as PEM text, nor the text of a CA given inline', () => {
    const pemKey = `-----BEGIN PRIVATE KEY-----\n${KEY_LINE}\n-----END PRIVATE KEY-----\n`;
    const pemCa = `-----BEGIN CERTIFICATE-----\n${KEY_LINE}\n-----END CERTIFICATE-----\n`;
    const cfg = loadConfig({
      flags: { broker: { url: 'mqtts://b.example:8883', key: pemKey, ca: pemCa, cert: '/etc/pos/cert.pem' } },
    });
    const shown = JSON.stringify(redactConfig(cfg));
    expectNoContent(shown);
    expect(shown).toContain('/etc/pos/cert.pem');
  });
});

describe('a URL is never shown with its password, also when it does not parse', () => {
  const SECRET = 'TopSecret1';
  it.each([
    `mqtt://user:${SECRET}@`,
    `mqtt://user:${SECRET}`,
    `mqtt://user:${SECRET}@host:99999`,
    `mqtt://user:${SECRET}@/path`,
    `http://user:${SECRET}@host`,
    `user:${SECRET}@host:1883`,
  ])('config broker.url %s', (url) => {
    const e = (() => {
      try {
        loadConfig({ flags: { broker: { url } } });
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(e.key).toBe('broker.url');
    expect(e.message).not.toContain(SECRET);
  });

  it.each([
    `postgres://u:${SECRET}@`,
    `pgsql://u:${SECRET}@h/db`,
    `postgres://u@h/db?password=${SECRET}`,
    `postgres://u:${SECRET}@h:99999999/db`,
    `mqtt://:${SECRET}@`,
    `mqtt://u@:${SECRET}`,
  ])('redactUrl %s', (url) => {
    expect(String(redactUrl(url))).not.toContain(SECRET);
  });

  it('leaves URLs without a password alone', () => {
    for (const u of ['mqtt://127.0.0.1:1883', 'embedded', 'mqtts://b.example:8883/x', 'mqtt://host:1883/'])
      expect(redactUrl(u)).toBe(u);
  });
});
