/**
 * Where `pos-agent simulate` sends its stream: a pty pair made with socat (the agent opens one
 * end, the simulator writes the other), an existing tty, or TCP clients.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, lstatSync, openSync, statSync, write } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { HardwareLogger } from '../logger.js';
import { FrameError } from '../../protocol/framing/index.js';

export class SimulatorError extends FrameError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'SimulatorError';
  }
}

export interface PtyPairHandle {
  /** The agent's end (the link path). */
  agentPath: string;
  /** The simulator's end (a /dev/pts/N). */
  simPath: string;
  stop(): Promise<void>;
}

/** Starts `socat -d -d pty,raw,echo=0,link=PATH pty,raw,echo=0` and learns the second pty's name. */
export function startPtyPair(path: string, timeoutMs = 5000): Promise<PtyPairHandle> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${path}`, 'pty,raw,echo=0'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (e) {
      reject(new SimulatorError('E_SOCAT', `cannot start socat: ${(e as Error).message}`));
      return;
    }
    let err = '';
    let ready = false;
    const ptys: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(
        new SimulatorError('E_SOCAT', `socat did not create the pty pair in ${timeoutMs} ms: ${err.trim()}`),
      );
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new SimulatorError('E_SOCAT', `cannot start socat (is it installed?): ${e.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new SimulatorError('E_SOCAT', `socat exited (${code}): ${err.trim()}`));
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (ready) return; // keep draining the pipe, nothing more to learn
      err += d.toString();
      for (const m of err.matchAll(/PTY is (\/dev\/\S+)/g)) if (!ptys.includes(m[1]!)) ptys.push(m[1]!);
      if (ptys.length >= 2 && /starting data transfer loop/.test(err) && existsSync(path)) {
        ready = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          agentPath: path,
          simPath: ptys[1]!,
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r();
              const hard = setTimeout(() => child.kill('SIGKILL'), 2000);
              child.once('exit', () => {
                clearTimeout(hard);
                r();
              });
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/** True when `path` is (a link to) a character device, e.g. an existing tty. */
export function isCharDevice(path: string): boolean {
  try {
    return existsSync(path) && (lstatSync(path).isCharacterDevice() || statSync(path).isCharacterDevice());
  } catch {
    return false;
  }
}

/**
 * Writes a stream to a tty path (fd opened O_RDWR|O_NOCTTY, written in order, back-pressured).
 * Resolves when the stream ends or `signal` aborts.
 */
export function pumpToTty(
  src: Readable,
  path: string,
  log: HardwareLogger,
  signal?: AbortSignal,
): Promise<{ bytes: number }> {
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  let bytes = 0;
  return new Promise((resolve, reject) => {
    let closed = false;
    const finish = (e?: Error) => {
      if (closed) return;
      closed = true;
      signal?.removeEventListener('abort', onAbort);
      src.destroy();
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      if (e) reject(e);
      else resolve({ bytes });
    };
    const onAbort = () => finish();
    signal?.addEventListener('abort', onAbort);
    // 'end' can come while the last chunk is still being written (push(chunk) then push(null) in
    // one tick emits 'data' at once and 'end' on the next tick, whatever pause() says): finish
    // only once that write is through, or the last frame is lost.
    let writing = false;
    let ended = false;
    src.on('data', (chunk: Buffer) => {
      src.pause();
      writing = true;
      // a tty takes what fits in its buffer: write the rest until the chunk is through
      const writeFrom = (off: number) => {
        write(fd, chunk, off, chunk.length - off, null, (err, n) => {
          if (closed) return;
          if (err) {
            if (err.code === 'EAGAIN') {
              setTimeout(() => writeFrom(off), 1);
              return;
            }
            log.error({ event: 'sim_write_error', code: err.code, path }, 'write to tty failed');
            finish(new SimulatorError('E_SIM_WRITE', `${path}: ${err.message}`));
            return;
          }
          bytes += n;
          if (off + n < chunk.length) writeFrom(off + n);
          else {
            writing = false;
            if (ended) finish();
            else src.resume();
          }
        });
      };
      writeFrom(0);
    });
    src.once('end', () => {
      ended = true;
      if (!writing) finish();
    });
    src.once('error', (e) => finish(e));
  });
}

export interface TcpServerHandle {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Serves a fresh stream (from `make`) to every TCP client. */
export function serveTcp(
  port: number,
  make: () => Readable,
  log: HardwareLogger,
  host = '127.0.0.1',
): Promise<TcpServerHandle> {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.setNoDelay(true);
    const s = make();
    log.info({ event: 'sim_client', remote: `${sock.remoteAddress}:${sock.remotePort}` }, 'client connected');
    s.pipe(sock);
    sock.on('error', () => {});
    sock.on('close', () => {
      sockets.delete(sock);
      s.destroy();
      log.info({ event: 'sim_client_gone' }, 'client disconnected');
    });
    s.on('end', () => sock.end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new SimulatorError('E_SIM_LISTEN', `cannot listen on ${host}:${port}: ${e.code ?? e.message}`)),
    );
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({
        server,
        port: typeof addr === 'object' && addr ? addr.port : port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
