/**
 * The CLI's stdout is a pipe the reader controls (issue 9, item 14). `decode` respects its
 * back-pressure: a reader that does not keep up pauses the input instead of letting the output
 * pile up in memory. A reader that goes away (`| head -1`) stops the command quietly: exit status
 * 0, no EPIPE stack trace; `run` first stops as on SIGTERM, so every failure seen is in the
 * database.
 */
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeStream, MAX_HEX_LINE } from '../../agent/decode/decode-stream.js';
import { DIALECTS, encodeMessage } from '../../protocol/iso8583/index.js';
import { ensureBuilt } from '../helpers/global-build.js';
import { exitWithin, logEvents, shellPipe, spawnCli } from '../helpers/cli.js';
import { lengthPrefixed, response0210 } from '../helpers/iso.js';
import { tempDir } from '../helpers/tmp.js';

/** One 0210 as the binary stream carries it: 2-byte big-endian length, then the message. */
const framedMessage = (stan: string): Buffer =>
  lengthPrefixed(encodeMessage(DIALECTS.ascii, response0210('51', stan)));

/** Writes `bytes` of back-to-back framed messages to `w` (respecting its back-pressure), then ends it. */
async function feed(w: Writable, bytes: number): Promise<number> {
  const unit = framedMessage('000001');
  const perBlock = Math.floor(65536 / unit.length);
  const block = Buffer.concat(Array.from({ length: perBlock }, () => unit));
  let sent = 0;
  let messages = 0;
  try {
    while (sent < bytes && !w.destroyed) {
      sent += block.length;
      messages += perBlock;
      if (!w.write(block)) await new Promise((r) => w.once('drain', r).once('close', r));
    }
  } finally {
    w.end();
  }
  return messages;
}

/** Loaded with --import: the child reports its peak RSS (kB) on stderr as it exits. */
const REPORT_RSS =
  "data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>writeSync(2,'maxrss='+process.resourceUsage().maxRSS+'\\n'))";
const NODE_ARGS = ['--max-semi-space-size=2', '--import', REPORT_RSS]; // as the bin's shebang runs it

function maxRssMb(stderr: string): number {
  const m = /maxrss=(\d+)/.exec(stderr);
  if (!m) throw new Error(`the child did not report its peak RSS; stderr: ${stderr.slice(0, 500)}`);
  return Number(m[1]) / 1024;
}

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempDir('pos-stdout-');
}, 240_000);
describe('decode respects stdout back-pressure', () => {
  it('a reader that stops reading for a while: peak RSS stays near an idle decode, every line arrives', async () => {
    // baseline: the same command decoding one message
    const idle = spawnCli(['decode'], { nodeArgs: NODE_ARGS, stdio: ['pipe', 'pipe', 'pipe'] });
    await feed(idle.child.stdin!, 1);
    expect(await idle.exited).toBe(0);
    const baseline = maxRssMb(idle.stderr());

    const p = spawnCli(['decode'], {
      nodeArgs: NODE_ARGS,
      stdio: ['pipe', 'pipe', 'pipe'],
      captureStdout: false,
    });
    const out = p.child.stdout!;
    out.pause();
    const messages = feed(p.child.stdin!, 10_000_000);
    // the reader sleeps 1.5 s, then reads everything, counting lines
    await new Promise((r) => setTimeout(r, 1500));
    let lines = 0;
    out.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
    });
    out.resume();
    expect(await exitWithin(p, 50_000)).toBe(0);
    const sent = await messages;
    expect(lines).toBe(sent);
    const peak = maxRssMb(p.stderr());
    // before the fix: ~205 MB against 62 idle (the output queued in memory); after: ~88
    expect(peak, `peak RSS ${peak.toFixed(0)} MB, idle ${baseline.toFixed(0)} MB`).toBeLessThan(
      baseline + 50,
    );
  }, 60_000);
});

describe('decode --hex holds at most one bounded line', () => {
  it('a line over MAX_HEX_LINE characters is one E_INPUT error; the next line decodes', async () => {
    const good = encodeMessage(DIALECTS.ascii, {
      mti: '0210',
      fields: { 3: '000000', 11: '000002', 39: '05', 41: 'TERM0001' },
    }).toString('hex');
    // a valid-looking hex run with no line break for 1.5 MiB, in 64 KiB chunks
    const chunks = Array.from({ length: 24 }, () => '30'.repeat(32 * 1024));
    chunks.push(`\n${good}\n`);
    let text = '';
    const out = new Writable({
      write(c, _e, cb) {
        text += String(c);
        cb();
      },
    });
    const summary = await decodeStream(Readable.from(chunks), out, {
      dialect: DIALECTS.ascii,
      hex: true,
      lengthPrefix: false,
      tpdu: false,
    });
    const objs = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs).toEqual([
      {
        index: 0,
        error: 'E_INPUT',
        field: null,
        offset: 0,
        reason: `line longer than ${MAX_HEX_LINE} characters`,
      },
      expect.objectContaining({ index: 1, response_code: '05' }),
    ]);
    expect(summary).toEqual({ ok: 1, bad: 1 });
  });
});

describe('a reader that goes away (| head -1) stops the command quietly', () => {
  it('decode | head -1: one line, exit 0, nothing on stderr', async () => {
    const p = shellPipe('$CLI decode | head -1');
    void feed(p.child.stdin!, 4_000_000);
    expect(await exitWithin(p, 40_000)).toBe(0);
    expect(p.stderr()).toBe('');
    const lines = p.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ index: 0, response_code: '51' });
  }, 60_000);

  it('explain | a reader gone before it prints: exit 0, nothing on stderr (its write(2) met EPIPE)', async () => {
    // `true` has exited long before the CLI has started: explain writes to a pipe with no reader
    const p = shellPipe('$CLI explain 51 --lang ru | true');
    expect(await exitWithin(p, 20_000)).toBe(0);
    expect(p.stderr()).toBe('');
  });

  it('simulate --print | head -1: one line, exit 0, nothing on stderr', async () => {
    const p = shellPipe('$CLI simulate --print --count 200000 --with-bytes | head -1');
    expect(await exitWithin(p, 40_000)).toBe(0);
    expect(p.stderr()).toBe('');
    expect(p.stdout().trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('run | head -1: stops as on SIGTERM (every failure seen is in the database), exit 0, no stack trace', async () => {
    const db = join(dir, 'head.db');
    const p = shellPipe(`$CLI run --simulate --rate 40 --broker none --display console --db ${db} | head -1`);
    expect(await exitWithin(p, 40_000)).toBe(0);
    expect(p.stdout().trim().split('\n')).toHaveLength(1);
    const err = p.stderr();
    expect(err).not.toMatch(/EPIPE|^\s+at /m);
    // stderr holds the JSON log and nothing else; nothing at error level
    const nonLog = err.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
    expect(nonLog).toEqual([]);
    const events = logEvents(err);
    expect(events.filter((e) => (e.level as number) >= 50)).toEqual([]);
    expect(events.find((e) => e.event === 'agent_stopping')).toMatchObject({ reason: 'stdout closed' });
    const stopped = events.find((e) => e.event === 'agent_stopped');
    expect(stopped).toBeDefined();
    const d = new Database(db, { readonly: true });
    try {
      const n = (d.prepare('SELECT COUNT(*) AS n FROM failures').get() as { n: number }).n;
      expect(n).toBe(stopped!.failures);
    } finally {
      d.close();
    }
  }, 60_000);
});
