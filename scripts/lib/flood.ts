/**
 * A random-byte flood into a running `pos-agent run` (the compiled CLI in a child process), over a
 * TCP link (`--serial tcp://...`: no baud rate, as fast as the agent reads) or a socat pty pair
 * (a kernel tty, as a UART adapter). Samples the agent's RSS (/proc/<pid>/status VmRSS) once a
 * second and counts its log lines. The agent's stderr is either read (counted) or never read
 * (`stall`: the pipe fills and the agent's asynchronous log destination has to hold or drop).
 * Used by scripts/flood.ts; the soak can call runFlood() directly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FramingName } from '../../protocol/framing/types.js';

export interface FloodOptions {
  link: 'tcp' | 'pty';
  framing: FramingName;
  seconds: number;
  /** What happens to the agent's stderr: read and counted, or never read. */
  stderr: 'read' | 'stall';
  /** Called once a second with the latest sample. */
  onSample?: (s: FloodSample) => void;
}

export interface FloodSample {
  t: number;
  rssMb: number;
  sentMb: number;
  logLines: number;
}

export interface FloodResult {
  samples: FloodSample[];
  maxRssMb: number;
  sentMb: number;
  logLines: number;
  /** frame_rejected lines and suppressed counts seen in the log (read mode only). */
  rejectLines: number;
  suppressedCounted: number;
  exitCode: number | null;
}

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'agent', 'cli', 'main.js');
const CHUNK = 64 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export async function runFlood(o: FloodOptions): Promise<FloodResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-flood-'));
  let sent = 0;
  let running = true;
  let stopLink: () => Promise<void>;
  let device: string;

  if (o.link === 'tcp') {
    const sockets = new Set<Socket>();
    const server = createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => {});
      sock.on('close', () => sockets.delete(sock));
      const pump = (): void => {
        while (running && !sock.destroyed) {
          const b = randomBytes(CHUNK);
          sent += b.length;
          if (!sock.write(b)) {
            sock.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    device = `tcp://127.0.0.1:${port}`;
    stopLink = async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    };
  } else {
    const a = join(dir, 'module');
    const b = join(dir, 'agent');
    const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: 'ignore',
    });
    socat.on('error', (e) => {
      throw new Error(`socat could not start (apt-get install -y socat): ${e.message}`);
    });
    for (let i = 0; i < 100 && !(existsSync(a) && existsSync(b)); i++) await sleep(50);
    if (!existsSync(a) || !existsSync(b)) throw new Error('socat made no pty pair');
    device = b;
    const fh = await openFile(a, 'w');
    const pumping = (async () => {
      while (running) {
        const buf = randomBytes(CHUNK);
        try {
          await fh.write(buf);
        } catch {
          await sleep(10); // the agent side not open yet, or reopening
          continue;
        }
        sent += buf.length;
      }
    })();
    stopLink = async () => {
      running = false;
      await Promise.race([pumping, sleep(1000)]);
      await fh.close().catch(() => {});
      socat.kill('SIGTERM');
    };
  }

  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'run', '--serial', device, '--db', join(dir, 'f.db'), '--broker', 'none', '--display', 'none'],
    {
      env: { ...process.env, POS_AGENT_SERIAL_FRAMING: o.framing, POS_AGENT_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let logLines = 0;
  let rejectLines = 0;
  let suppressedCounted = 0;
  let tail = '';
  if (o.stderr === 'read') {
    child.stderr!.on('data', (d: Buffer) => {
      const text = tail + d.toString('utf8');
      const lines = text.split('\n');
      tail = lines.pop() ?? '';
      for (const l of lines) {
        logLines++;
        if (l.includes('"event":"frame_rejected"')) rejectLines++;
        const m = /"event":"log_suppressed","suppressed_event":"frame_rejected","count":(\d+)/.exec(l);
        if (m) suppressedCounted += Number(m[1]);
      }
    });
  } // 'stall': never read; the pipe fills
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  const samples: FloodSample[] = [];
  const t0 = Date.now();
  for (let s = 1; s <= o.seconds; s++) {
    await sleep(t0 + s * 1000 - Date.now());
    if (child.exitCode !== null) break;
    const sample = { t: s, rssMb: rssMb(child.pid!), sentMb: sent / 1048576, logLines };
    samples.push(sample);
    o.onSample?.(sample);
  }
  running = false;
  await stopLink();
  if (child.exitCode === null) child.kill('SIGTERM');
  let exitCode = await Promise.race([exited, sleep(15_000).then(() => undefined)]);
  if (exitCode === undefined) {
    child.kill('SIGKILL'); // a stalled stderr can keep it from finishing its last write
    exitCode = await exited;
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    samples,
    maxRssMb: Math.max(0, ...samples.map((x) => x.rssMb)),
    sentMb: sent / 1048576,
    logLines,
    rejectLines,
    suppressedCounted,
    exitCode,
  };
}
