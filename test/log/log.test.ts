/**
 * agent/log.ts: every string of every log line is scrubbed of PANs (nested objects, arrays,
 * bindings, format arguments), repeated events are rate-limited to a summary a second with counts
 * by reason, and the stderr destination's buffer is capped (a stalled reader costs bounded memory).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOG_RATE_PER_EVENT } from '../../agent/log.js';
import { findPans, maskPan } from '../../protocol/card/pan.js';
import { ensureBuilt, ROOT } from '../helpers/global-build.js';
import { captureLogger } from '../helpers/log.js';
import { CLI } from '../helpers/cli.js';

const PAN = '4111111111111111';

afterEach(() => {
  vi.useRealTimers();
});

describe('card data in log lines', () => {
  it('scrubs every string field, nested objects and arrays included, and PAN-shaped numbers', () => {
    const { lines, logger } = captureLogger();
    const child = logger.child({ target: `tcp ${PAN}` });
    child.warn(
      {
        event: 'frame_rejected',
        reason: `unknown event ${PAN}`,
        detail: { head: `EVT ${PAN} *8A14`, list: [`a ${PAN}`, { deeper: { x: PAN } }] },
        n: Number(PAN),
      },
      'frame rejected %s %j',
      PAN,
      { also: PAN },
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(findPans(line)).toEqual([]);
    expect(line).not.toContain(PAN);
    // the rest of the line survives, masked
    const o = JSON.parse(line) as Record<string, unknown>;
    expect(o.reason).toBe(`unknown event ${maskPan(PAN)}`);
    expect((o.detail as { list: unknown[] }).list[0]).toBe(`a ${maskPan(PAN)}`);
    expect(o.target).toBe(`tcp ${maskPan(PAN)}`);
    expect(o.event).toBe('frame_rejected');
  });

  it('does not change the caller’s objects and survives cycles', () => {
    const { lines, logger } = captureLogger();
    const obj: Record<string, unknown> = { event: 'x', reason: PAN };
    obj.self = obj;
    logger.info(obj, 'cyclic');
    expect(obj.reason).toBe(PAN);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(PAN);
  });
});

describe('repeated events are rate-limited', () => {
  it('a flood of one event gives a bounded number of lines and one summary a second with counts by reason', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const { lines, logger } = captureLogger();
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      logger.warn(
        {
          event: 'frame_rejected',
          code: i % 3 === 0 ? 'E_FRAME_CHECK' : 'E_FRAME_SYNTAX',
          reason: i % 3 === 0 ? 'check value mismatch' : 'line too short',
        },
        'frame rejected',
      );
    }
    // another event has its own budget
    logger.info({ event: 'link_state', state: 'up' }, 'link up');
    const during = lines.length;
    expect(during).toBeLessThanOrEqual(LOG_RATE_PER_EVENT + 1);
    expect(during).toBeGreaterThanOrEqual(2);
    vi.advanceTimersByTime(1_100);
    const after = lines.slice(during).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(after).toHaveLength(1);
    const s = after[0]!;
    expect(s.event).toBe('log_suppressed');
    expect(s.suppressed_event).toBe('frame_rejected');
    expect(s.level).toBe(40); // at the level of the lines it stands for (warn)
    const byReason = s.by_reason as Record<string, number>;
    const logged = lines.slice(0, during).filter((l) => l.includes('"frame_rejected"')).length;
    expect(s.count).toBe(N - logged);
    expect(Object.values(byReason).reduce((a, b) => a + b, 0)).toBe(N - logged);
    expect(Object.keys(byReason).some((k) => k.includes('check value mismatch'))).toBe(true);
    // a quiet second after that: no further summary
    vi.advanceTimersByTime(3_000);
    expect(lines.length).toBe(during + 1);
  });

  it('a sustained flood costs about one budget and one summary per second, not one line per event', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const { lines, logger } = captureLogger();
    const seconds = 5;
    for (let s = 0; s < seconds; s++) {
      for (let i = 0; i < 5_000; i++) logger.warn({ event: 'frame_rejected', reason: 'line too short' }, 'x');
      vi.advanceTimersByTime(1_000);
    }
    expect(lines.length).toBeLessThanOrEqual(seconds * (LOG_RATE_PER_EVENT + 1) + 1);
  });
});

describe('the stderr destination is capped', () => {
  it('a reader that never reads costs bounded memory, not one buffered copy of every line', async () => {
    ensureBuilt();
    // the child logs ~50 MB to stderr (a pipe nobody reads), each line a distinct event so the
    // rate limit does not thin them out, then reports how much its heap grew
    const code = `
      import { createLogger } from ${JSON.stringify(join(ROOT, 'dist/agent/log.js'))};
      const log = createLogger({ pretty: false, level: 'info' });
      const pad = 'x'.repeat(1000);
      globalThis.gc?.();
      const before = process.memoryUsage();
      for (let i = 0; i < 50000; i++) log.info({ event: 'e' + (i % 5000), pad }, 'line');
      globalThis.gc?.();
      const after = process.memoryUsage();
      process.stdout.write(JSON.stringify({ heap: after.heapUsed - before.heapUsed, rss: after.rss - before.rss }) + '\\n');
    `;
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`child gave no report: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          if (out.includes('\n')) {
            clearTimeout(t);
            resolve();
          }
        });
        child.once('exit', () => {
          clearTimeout(t);
          if (!out.includes('\n')) reject(new Error('child exited without a report'));
        });
      });
    } finally {
      child.kill('SIGKILL');
    }
    const r = JSON.parse(out) as { heap: number; rss: number };
    // uncapped, the ~50 MB stay queued in the process; capped, a few MB at most
    expect(r.heap).toBeLessThan(16 * 1024 * 1024);
  }, 30_000);
});

describe('the CLI’s last-resort error line', () => {
  it('masks a card number in the error text (an argument echoed back, say)', () => {
    ensureBuilt();
    const r = spawnSync(
      process.execPath,
      [CLI, 'export', '--db', join(ROOT, 'no-such.db'), '--currency', PAN],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--currency');
    expect(r.stderr).not.toContain(PAN);
    expect(r.stderr).toContain(maskPan(PAN));
  });
});
