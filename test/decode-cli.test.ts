/**
 * The `decode` command: its engine (decodeStream: hex lines, hex with length prefixes, a binary
 * stream of length-prefixed messages split anyhow across chunks, TPDU; bad messages reported by
 * field, offset and reason while the rest decode) and dialect resolution, plus one end-to-end run of
 * the built CLI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../agent/cli/usage-error.js';
import { type DecodeOptions, decodeStream, resolveDialect } from '../agent/decode/decode-stream.js';
import { DIALECTS, encodeMessage } from '../protocol/iso8583/index.js';
import { ensureBuilt, ROOT } from './helpers/global-build.js';
import { lengthPrefixed, PAN, response0210 } from './helpers/iso.js';
import { tempDir } from './helpers/tmp.js';

async function run(input: string | Buffer | Buffer[], opts: Partial<DecodeOptions> = {}) {
  const chunks: string[] = [];
  const out = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  const src = Readable.from(Array.isArray(input) ? input : [input]);
  const summary = await decodeStream(src, out, {
    dialect: DIALECTS.ascii,
    hex: false,
    lengthPrefix: false,
    tpdu: false,
    ...opts,
  });
  const lines = chunks.join('').split('\n').filter(Boolean);
  return { summary, objs: lines.map((l) => JSON.parse(l) as Record<string, unknown>), text: chunks.join('') };
}

const TPDU = Buffer.from('6000010000', 'hex');

describe('decodeStream', () => {
  it('hex lines: one object per message, comments and blank lines skipped, whitespace ignored', async () => {
    const a = encodeMessage(DIALECTS.ascii, response0210('51', '000001')).toString('hex');
    const b = encodeMessage(DIALECTS.ascii, response0210('00', '000002')).toString('hex').toUpperCase();
    const input = `# responses\n${a}\n\n  ${b.slice(0, 20)} ${b.slice(20)}  \r\n`;
    const { summary, objs } = await run(input, { hex: true });
    expect(summary).toEqual({ ok: 2, bad: 0 });
    expect(objs).toHaveLength(2);
    expect(objs[0]).toMatchObject({
      index: 0,
      mti: '0210',
      response_code: '51',
      fields: { 2: '476173******0119', 11: '000001', 35: '[redacted]', 39: '51' },
    });
    expect(objs[1]).toMatchObject({ index: 1, response_code: '00', fields: { 11: '000002' } });
    expect((objs[0]!.names as Record<string, string>)['39']).toBe('Response Code');
  });

  it('a bad message in the middle gives an error object (field, offset, reason); the others decode', async () => {
    const good1 = encodeMessage(DIALECTS.ascii, response0210('51', '000001'));
    const good2 = encodeMessage(DIALECTS.ascii, response0210('05', '000003'));
    const bad = encodeMessage(DIALECTS.ascii, response0210('00', '000002'));
    // field 4 starts after MTI (4), bitmap (8), field 2 (2 + 16) and field 3 (6): offset 36
    bad[36 + 5] = 'X'.charCodeAt(0);
    const input = [good1, bad, good2].map((b) => b.toString('hex')).join('\n');
    const { summary, objs } = await run(input, { hex: true });
    expect(summary).toEqual({ ok: 2, bad: 1 });
    expect(objs[1]).toEqual({
      index: 1,
      error: 'E_BAD_NUMERIC',
      field: 4,
      offset: 41,
      reason: 'non-digit in a numeric field',
    });
    expect(objs[0]).toMatchObject({ index: 0, response_code: '51' });
    expect(objs[2]).toMatchObject({ index: 2, response_code: '05' });
  });

  it('lines that are not hex, and truncated messages, are counted as bad', async () => {
    const good = encodeMessage(DIALECTS.ascii, response0210('51', '000001')).toString('hex');
    const { summary, objs } = await run(`zz11\n${good}\nabc\n${good.slice(0, 60)}\n`, { hex: true });
    expect(summary).toEqual({ ok: 1, bad: 3 });
    expect(objs[0]).toMatchObject({ error: 'E_INPUT', reason: 'line is not an even number of hex digits' });
    expect(objs[2]).toMatchObject({ error: 'E_INPUT' });
    expect(objs[3]).toMatchObject({ error: 'E_TRUNCATED', field: 3, offset: 30 }); // cut right after field 2
  });

  it('hex lines with --length-prefix; a wrong prefix is an input error', async () => {
    const m = encodeMessage(DIALECTS.bcd, response0210('51', '000001'));
    const good = lengthPrefixed(m).toString('hex');
    const wrong = Buffer.concat([Buffer.from([0, m.length + 1]), m]).toString('hex');
    const { summary, objs } = await run(`${good}\n${wrong}\n00\n`, {
      hex: true,
      lengthPrefix: true,
      dialect: DIALECTS.bcd,
    });
    expect(summary).toEqual({ ok: 1, bad: 2 });
    expect(objs[0]).toMatchObject({ fields: { 2: '476173******0119', 39: '51' } });
    expect(objs[1]).toMatchObject({
      error: 'E_INPUT',
      reason: `length prefix says ${m.length + 1} bytes, line has ${m.length}`,
    });
    expect(objs[2]).toMatchObject({ error: 'E_INPUT', reason: 'shorter than its 2-byte length prefix' });
  });

  it('hex lines with --length-prefix --tpdu', async () => {
    const m = encodeMessage(DIALECTS.bcd, response0210('51', '000001'));
    const line = lengthPrefixed(Buffer.concat([TPDU, m])).toString('hex');
    const { summary, objs } = await run(line, {
      hex: true,
      lengthPrefix: true,
      tpdu: true,
      dialect: DIALECTS.bcd,
    });
    expect(summary).toEqual({ ok: 1, bad: 0 });
    expect(objs[0]).toMatchObject({ mti: '0210', response_code: '51' });
  });

  it('binary stream: the same objects however the bytes are split into chunks (property)', async () => {
    const msgs = [
      response0210('51', '000001'),
      response0210('00', '000002'),
      response0210('91', '000003'),
    ].map((m) => encodeMessage(DIALECTS.ascii, m));
    const bad = Buffer.from(msgs[1]!);
    bad[0] = 0x41; // MTI "A210"
    const stream = Buffer.concat([msgs[0]!, bad, msgs[2]!, msgs[1]!].map(lengthPrefixed));
    const whole = await run(stream);
    expect(whole.summary).toEqual({ ok: 3, bad: 1 });
    expect(whole.objs[1]).toEqual({
      index: 1,
      error: 'E_BAD_MTI',
      field: 0,
      offset: 0,
      reason: 'MTI is not four digits',
    });
    expect(whole.objs.map((o) => o.response_code ?? o.error)).toEqual(['51', 'E_BAD_MTI', '91', '00']);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
          const chunks = points.slice(1).map((p, i) => stream.subarray(points[i]!, p));
          const split = await run(chunks);
          expect(split.text).toBe(whole.text);
          expect(split.summary).toEqual(whole.summary);
        },
      ),
      { numRuns: 60 },
    );
    // one byte at a time, including inside every length prefix
    const bytewise = await run([...stream].map((b) => Buffer.from([b])));
    expect(bytewise.text).toBe(whole.text);
  });

  it('binary stream with --tpdu, and a stream that ends inside a message', async () => {
    const m = encodeMessage(DIALECTS.bcd, response0210('51', '000001'));
    const framed = lengthPrefixed(Buffer.concat([TPDU, m]));
    const short = lengthPrefixed(Buffer.from([0x60, 0x00]));
    const tail = framed.subarray(0, 10);
    const { summary, objs } = await run(Buffer.concat([framed, short, framed, tail]), {
      tpdu: true,
      dialect: DIALECTS.bcd,
    });
    expect(summary).toEqual({ ok: 2, bad: 2 });
    expect(objs[0]).toMatchObject({ index: 0, response_code: '51' });
    expect(objs[1]).toMatchObject({ index: 1, error: 'E_INPUT', reason: 'shorter than the 5-byte TPDU' });
    expect(objs[2]).toMatchObject({ index: 2, response_code: '51' });
    expect(objs[3]).toMatchObject({
      index: 3,
      error: 'E_INPUT',
      offset: framed.length * 2 + short.length,
      reason: 'stream ends inside a message: 10 bytes left over',
    });
  });
});

describe('resolveDialect', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('decode-cli-');
  });

  it('built-in names', () => {
    expect(resolveDialect('ascii')).toBe(DIALECTS.ascii);
    expect(resolveDialect('ascii-hex')).toBe(DIALECTS['ascii-hex']);
    expect(resolveDialect('bcd')).toBe(DIALECTS.bcd);
  });

  it('a dialect JSON file', () => {
    const f = join(dir, 'host.json');
    writeFileSync(f, JSON.stringify({ name: 'host', base: 'bcd', bitmap: 'hex' }));
    const d = resolveDialect(f);
    expect(d.name).toBe('host');
    expect(d.bitmapHex).toBe(true);
    expect(d.mtiBcd).toBe(true);
  });

  const usage = (arg: string): UsageError => {
    try {
      resolveDialect(arg);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).code).toBe('E_USAGE');
      expect((e as UsageError).exitCode).toBe(2);
      return e as UsageError;
    }
    throw new Error(`accepted ${arg}`);
  };

  it('an unknown name or a missing file is a UsageError', () => {
    expect(usage('ebcdic').message).toMatch(
      /neither a built-in dialect \(iso87-ascii, ascii-hex, iso87-bcd, iso93-ascii, .*ascii, bcd\) nor a readable file/,
    );
    expect(usage(join(dir, 'missing.json')).message).toMatch(/missing\.json/);
  });

  it('a file that is not JSON, or not a valid dialect, is a UsageError naming the problem', () => {
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{ name: ');
    expect(usage(notJson).message).toMatch(/not valid JSON/);
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ name: 'x', fields: { 48: { type: 'q' } } }));
    expect(usage(invalid).message).toMatch(/fields\.48\.type/);
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: the built CLI

const MAIN = join(ROOT, 'dist', 'agent', 'cli', 'main.js');
const CLI_SOURCES = ['agent/cli', 'agent/decode', 'protocol/iso8583', 'protocol/card'];

function newest(path: string): number {
  const p = join(ROOT, path);
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = 0;
  for (const e of readdirSync(p)) m = Math.max(m, newest(join(path, e)));
  return m;
}

function cliStale(): boolean {
  if (!existsSync(MAIN)) return true;
  const built = statSync(MAIN).mtimeMs;
  const decodeJs = join(ROOT, 'dist', 'agent', 'decode', 'decode-stream.js');
  const describeJs = join(ROOT, 'dist', 'protocol', 'iso8583', 'describe.js');
  if (!existsSync(decodeJs) || !existsSync(describeJs)) return true;
  const oldest = Math.min(built, statSync(decodeJs).mtimeMs, statSync(describeJs).mtimeMs);
  return CLI_SOURCES.some((s) => newest(s) > oldest);
}

function runCli(
  args: string[],
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('pos-agent decode (built CLI)', () => {
  beforeAll(() => {
    ensureBuilt(); // the shared helper builds when its outputs are missing or stale
    if (cliStale()) {
      try {
        execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
      } catch (e) {
        // type errors elsewhere in the tree do not stop emit
        if (!String((e as { stdout?: Buffer }).stdout ?? '').includes('error TS')) throw e;
      }
    }
    expect(existsSync(MAIN)).toBe(true);
  }, 240_000);

  it('decodes the shipped 0210 sample: masked PAN and "39":"51", exit 0', async () => {
    const sample = readFileSync(join(ROOT, 'samples', '0210-decline-51.hex'), 'utf8');
    const { code, stdout } = await runCli(['decode', '--hex'], sample);
    expect(code).toBe(0);
    expect(stdout).toContain('476173******0119');
    expect(stdout).toContain('"39":"51"');
    expect(stdout).not.toContain(PAN);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it('a bad line makes the exit code 2, the good ones still print', async () => {
    const sample = readFileSync(join(ROOT, 'samples', '0210-decline-51.hex'), 'utf8').trim();
    const { code, stdout } = await runCli(
      ['decode', '--hex'],
      `${sample}\n${sample.slice(0, 50)}\n${sample}\n`,
    );
    expect(code).toBe(2);
    const objs = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs).toHaveLength(3);
    expect(objs[1]).toMatchObject({ index: 1, error: 'E_TRUNCATED' });
    expect(objs[2]).toMatchObject({ index: 2, response_code: '51' });
  });

  it('--explain with a dialect file: a table of parts, card data masked', async () => {
    const file = join(ROOT, 'protocol', 'iso8583', 'dialects', 'jpos-iso87binary.json');
    const bytes = encodeMessage(resolveDialect(file), response0210('05', '000009'));
    const { code, stdout } = await runCli(
      ['decode', '--hex', '--dialect', file, '--explain'],
      bytes.toString('hex'),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^message 0: MTI 0210, dialect jpos-iso87binary, \d+ bytes/);
    expect(stdout).toMatch(/\n\s+10\s+9\s+2\s+LL bcd \(1 byte\)\s+bcd n\s+.*476173\*{6}0119\n/);
    expect(stdout).not.toContain(PAN);
    expect(stdout).toMatch(/ 35 .*\[redacted\]/);
  });

  it('an unknown dialect is bad usage: exit 2 and a message on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['decode', '--hex', '--dialect', 'nosuch'], '');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/E_USAGE.*nosuch/);
  });
});
