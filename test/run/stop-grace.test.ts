/**
 * Stopping while the disk is full: stop() waits at most store.stop_grace_s for the records still
 * waiting for the disk, then refuses them with E_STORE_CLOSED, counted in one log line (not one line
 * per record), and returns how many were never written (`run` then exits 1).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkOpener } from '../../agent/cli/commands/run.js';
import { validateConfig } from '../../agent/config/index.js';
import { startAgent, type Agent } from '../../agent/run/agent.js';
import { captureLogger } from '../helpers/log.js';
import { waitUntil } from '../helpers/wait.js';
import { tempDir } from '../helpers/tmp.js';

let dir: string;
let agent: Agent | null = null;
beforeEach(() => {
  dir = tempDir('stop-grace-');
});
afterEach(async () => {
  agent = null;
});

describe('agent stop with the disk full', () => {
  it('returns after the grace period; waiting records are refused with E_STORE_CLOSED in one log line', async () => {
    const cfg = validateConfig({
      simulate: { enabled: true, scenario: 'burst', rate: 400 },
      broker: { url: 'none' },
      display: { driver: 'none' },
      store: { path: join(dir, 'full.db'), stop_grace_s: 0.3 },
    });
    const { lines, logger } = captureLogger();
    agent = await startAgent(
      cfg,
      { openLink: linkOpener(cfg), display: { show: () => {} } },
      logger,
      '0.0.0',
    );
    await waitUntil(() => agent!.store.stats().total > 5, 10_000, 'first records');
    const pages = agent.store.db.pragma('page_count', { simple: true }) as number;
    agent.store.db.pragma(`max_page_count = ${pages}`); // the disk is full from now on
    await waitUntil(() => lines.some((l) => l.includes('"event":"store_write_retry"')), 10_000, 'disk full');
    const t0 = Date.now();
    let unwritten = -1;
    const stopped = await Promise.race([
      agent.stop().then((r) => {
        unwritten = r.unwritten;
        return 'stopped';
      }),
      new Promise((r) => setTimeout(() => r('hung'), 8_000)),
    ]);
    expect(stopped).toBe('stopped');
    expect(Date.now() - t0).toBeLessThan(5_000);
    const refused = lines.filter((l) => l.includes('"code":"E_STORE_CLOSED"'));
    expect(refused.length).toBe(1);
    const line = JSON.parse(refused[0]!) as Record<string, unknown>;
    expect(line.lost_uncommitted as number).toBeGreaterThan(0);
    // stop says how many were never written (run exits 1 on it), the same count as the log line
    expect(unwritten).toBe(line.lost_uncommitted);
    const stoppedLine = JSON.parse(lines.find((l) => l.includes('"event":"agent_stopped"'))!) as {
      unwritten: number;
    };
    expect(stoppedLine.unwritten).toBe(unwritten);
    expect(lines.some((l) => l.includes('"event":"record_failed"'))).toBe(false);
    expect(lines.some((l) => l.includes('"event":"agent_stopped"'))).toBe(true);
  }, 20_000);
});
