/**
 * A TCP proxy the test controls, between the agent and the broker:
 *   cut()     destroys every live connection and refuses new ones (accept + destroy at once)
 *   stall()   stops forwarding in both directions; sockets stay open (a black-holed link)
 *   restore() forwards again (stalled bytes flow on; new connections are accepted)
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  url: string;
  cut(): void;
  stall(): void;
  restore(): void;
  mode(): 'open' | 'cut' | 'stalled';
  /** Connections accepted so far (refused ones included). */
  accepted(): number;
  close(): Promise<void>;
}

export async function startProxy(
  target: { host?: string; port: number },
  scheme = 'mqtt',
): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  let mode: 'open' | 'cut' | 'stalled' = 'open';
  let accepted = 0;
  const pairs = new Set<[Socket, Socket]>();

  const server: Server = createServer((down) => {
    accepted++;
    if (mode === 'cut') {
      down.destroy();
      return;
    }
    const up = createConnection({ host, port: target.port });
    const pair: [Socket, Socket] = [down, up];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      down.destroy();
      up.destroy();
    };
    down.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
    down.pipe(up);
    up.pipe(down);
    if (mode === 'stalled') {
      down.pause();
      up.pause();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;

  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    cut() {
      mode = 'cut';
      for (const [d, u] of pairs) {
        d.destroy();
        u.destroy();
      }
      pairs.clear();
    },
    stall() {
      mode = 'stalled';
      for (const [d, u] of pairs) {
        d.unpipe(u);
        u.unpipe(d);
        d.pause();
        u.pause();
      }
    },
    restore() {
      const wasStalled = mode === 'stalled';
      mode = 'open';
      if (wasStalled) {
        for (const [d, u] of pairs) {
          d.pipe(u);
          u.pipe(d);
          d.resume();
          u.resume();
        }
      }
    },
    mode: () => mode,
    accepted: () => accepted,
    close() {
      for (const [d, u] of pairs) {
        d.destroy();
        u.destroy();
      }
      pairs.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
