/**
 * Embedded MQTT broker (aedes, MQTT 3.1.1, in memory) on a TCP port, for the demo
 * (`pos-agent run --broker embedded`) and for trying the agent without a Mosquitto. Not for
 * production: no persistence, no auth. The agent's sync falls back to MQTT 3.1.1 against it.
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(
  opts: { port?: number; host?: string } = {},
): Promise<EmbeddedBroker> {
  const host = opts.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // the broker's heartbeat and will timers would keep the process alive for ever (port in use)
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => broker.close(() => resolve()));
        for (const s of sockets) s.destroy(); // live clients would keep server.close waiting
      }),
  };
}
