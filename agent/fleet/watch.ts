/**
 * `fleet watch`: the I/O around the pure reducer of watch-state.ts. Subscribes to a fleet's topics,
 * feeds every message to `reduce`, and shows `summarize` either as a full-screen table on a TTY
 * (redrawn at most every `redrawMs`, default 500 ms) or as one plain line every `intervalMs`.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../log.js';
import { renderLine, renderTable } from './render.js';
import { watchFilter } from './topics.js';
import { initialState, reduce, summarize, type WatchConfig, type WatchState } from './watch-state.js';

export interface WatchOptions {
  broker: string;
  fleet: string;
  config?: Partial<WatchConfig>;
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  log: Logger;
  /** Plain mode: one line every intervalMs (default 10 s). */
  intervalMs?: number;
  redrawMs?: number;
  /** Stop after this long (scripts, tests); runs until SIGINT/SIGTERM otherwise. */
  durationMs?: number;
  /** Force plain lines even on a TTY. */
  plain?: boolean;
  mqtt?: Partial<IClientOptions>;
  now?: () => number;
}

export interface WatchHandle {
  client: MqttClient;
  state(): WatchState;
  /** Whether the watch has been connected to the broker at least once. */
  everConnected(): boolean;
  /** Resolves when the watch ends (duration elapsed or stop()). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export function startWatch(opts: WatchOptions): WatchHandle {
  const now = opts.now ?? Date.now;
  let state = initialState(opts.config ?? {}, now());
  const tty = opts.out.isTTY === true && !opts.plain;
  const redrawMs = opts.redrawMs ?? 500;
  let dirty = true;
  let lastDraw = 0;

  // MQTT 3.1.1: watching needs nothing from MQTT 5, and every broker speaks it (the demo's
  // embedded broker refuses MQTT 5)
  const client = mqtt.connect(opts.broker, {
    protocolVersion: 4,
    clean: true,
    clientId: `pos-agent-watch-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...opts.mqtt,
  });
  const filter = watchFilter(opts.fleet);
  let connected = false;
  let lastError = '';
  client.on('connect', () => {
    connected = true;
    lastError = '';
    opts.log.info({ event: 'watch_connected', broker: opts.broker, filter }, 'connected');
    client.subscribe(filter, { qos: 1 }, (err) => {
      if (err) opts.log.error({ event: 'watch_subscribe_failed', err, filter }, 'subscribe failed');
    });
  });
  // one line per distinct error, without a stack: the reconnect loop repeats the same one every second
  client.on('error', (err) => {
    const reason = err.message;
    if (reason === lastError) return;
    lastError = reason;
    opts.log.warn(
      { event: 'watch_mqtt_error', code: (err as { code?: unknown }).code, reason, broker: opts.broker },
      'mqtt error; retrying',
    );
  });
  client.on('offline', () => {
    if (connected)
      opts.log.warn({ event: 'watch_offline', broker: opts.broker }, 'broker connection lost; retrying');
  });
  client.on('message', (topic, payload) => {
    state = reduce(state, { type: 'message', topic, payload, at: now() });
    dirty = true;
  });

  const draw = () => {
    const s = summarize(state, now());
    if (tty) {
      const lines = renderTable(s, {
        width: opts.out.columns ?? 100,
        maxRows: Math.max(5, (opts.out.rows ?? 30) - 8),
      });
      // home, clear screen, draw
      opts.out.write(`\x1b[H\x1b[2J${lines.join('\n')}\n`);
    } else {
      opts.out.write(`${renderLine(s)}\n`);
    }
    lastDraw = now();
    dirty = false;
  };

  const tick = setInterval(
    () => {
      state = reduce(state, { type: 'tick', at: now() });
      if (tty) {
        // at most one redraw per redrawMs, and at least once a second for the clock
        if ((dirty && now() - lastDraw >= redrawMs) || now() - lastDraw >= 1000) draw();
      } else if (now() - lastDraw >= (opts.intervalMs ?? 10_000)) draw();
    },
    Math.min(redrawMs, 250),
  );
  if (!tty) lastDraw = now();

  let finish: () => void = () => {};
  const done = new Promise<void>((r) => {
    finish = r;
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(tick);
    if (timer) clearTimeout(timer);
    draw();
    await client.endAsync(true).catch(() => {});
    finish();
  };
  const timer = opts.durationMs !== undefined ? setTimeout(() => void stop(), opts.durationMs) : undefined;
  return { client, state: () => state, everConnected: () => connected, done, stop };
}
