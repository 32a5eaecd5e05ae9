/**
 * `pos-agent fleet watch` and `pos-agent fleet collect`: the fleet operator's tools.
 * See docs/export-fleet.md.
 */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { IClientOptions } from 'mqtt';
import type * as Zod from 'zod';
import { zod } from '../../../protocol/zod.js';
import { ExportError, usageError } from '../../export/errors.js';
import { DEFAULT_MAX_PACKET_BYTES, defaultClientId, startCollector } from '../../fleet/collector.js';
import { openPgFleetStore } from '../../fleet/store/postgres.js';
import { sqliteFleetStore } from '../../fleet/store/sqlite.js';
import type { FleetStore } from '../../fleet/store/types.js';
import { validFleet } from '../../fleet/topics.js';
import { startWatch } from '../../fleet/watch.js';
import { createLogger, redactUrl } from '../../log.js';
import { FileProblem, showPath } from '../../config/data-file.js';
import { readPem } from '../../sync/pem.js';
import { isPgUrl } from '../../fleet/pg-url.js';
import { COMMAND_LIST } from '../command-list.js';

const z = zod();

/** Default SQLite file of `fleet collect` (kept apart from the agent's own pos-agent.db). */
export const DEFAULT_FLEET_DB = 'pos-fleet.db';

const brokerUrl = z
  .string()
  .url()
  .refine((u) => /^(mqtts?|tcp|tls|wss?):\/\//.test(u), 'use mqtt://, mqtts://, ws:// or wss://');

function check<T>(option: string, schema: Zod.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  // a URL is shown without its password, also when it does not parse
  if (!r.success)
    throw usageError(
      option,
      `${JSON.stringify(redactUrl(value))}: ${r.error.issues[0]?.message ?? 'invalid'}`,
    );
  return r.data;
}

const positive = z.coerce.number().positive().finite();

interface ConnOpts {
  broker: string;
  fleet: string;
  username?: string;
  ca?: string;
  cert?: string;
  key?: string;
}

function connectionOptions(o: ConnOpts): { broker: string; fleet: string; mqtt: Partial<IClientOptions> } {
  const broker = check('--broker', brokerUrl, o.broker);
  if (!validFleet(o.fleet))
    throw usageError('--fleet', `"${o.fleet}" is not a fleet name (no / # + or spaces; + means all)`);
  const mqttOpts: Partial<IClientOptions> = {};
  if (o.username) mqttOpts.username = o.username;
  if (process.env.POS_AGENT_MQTT_PASSWORD) mqttOpts.password = process.env.POS_AGENT_MQTT_PASSWORD;
  // PEM checked here: a file that is not PEM is named with the reason, never quoted
  const read = (option: string, file: string | undefined) => {
    try {
      return readPem(file);
    } catch (e) {
      if (e instanceof FileProblem) throw usageError(option, `${showPath(file ?? '')}: ${e.reason}`);
      throw e;
    }
  };
  const ca = read('--ca', o.ca);
  const cert = read('--cert', o.cert);
  const key = read('--key', o.key);
  if (ca) mqttOpts.ca = ca;
  if (cert) mqttOpts.cert = cert;
  if (key) mqttOpts.key = key;
  return { broker, fleet: o.fleet, mqtt: mqttOpts };
}

function addConnectionOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--broker <url>', 'broker URL, e.g. mqtt://127.0.0.1:1883 or mqtts://broker:8883')
    .option('--fleet <name>', 'fleet name, or + for every fleet', '+')
    .option('--username <name>', 'MQTT username (password from POS_AGENT_MQTT_PASSWORD)')
    .option('--ca <file>', 'CA certificate (PEM) for mqtts://')
    .option('--cert <file>', 'client certificate (PEM)')
    .option('--key <file>', 'client key (PEM)');
}

/** Resolves at SIGINT/SIGTERM (removing its handlers) or when `other` settles. */
function untilSignal(): { promise: Promise<void>; dispose: () => void } {
  let dispose = () => {};
  const promise = new Promise<void>((r) => {
    const on = () => r();
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
    dispose = () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
  });
  return { promise, dispose };
}

/** Resolves after `s` seconds (a --duration; the timer does not hold the process), never without. */
function afterSeconds(s: number | undefined): Promise<void> {
  return s === undefined
    ? new Promise<void>(() => {})
    : new Promise<void>((r) => setTimeout(r, s * 1000).unref());
}

/** The whole of stdin as text (the password of `fleet user add`), at most `max` bytes. */
async function readStdin(max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > max) throw usageError('stdin', `the password: more than ${max} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `fleet serve --demo` (agent/cli/commands/fleet-demo.ts) until a signal or --duration. */
async function serveDemo(o: Record<string, string | undefined>): Promise<void> {
  const duration = o.duration === undefined ? undefined : check('--duration', positive, o.duration);
  if (o.listen !== undefined) {
    const { parseListen } = await import('../../fleet/portal/config.js');
    if (!parseListen(o.listen))
      throw usageError('--listen', `"${o.listen}": HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080`);
  }
  // quiet by default: the person reads the banner; POS_AGENT_LOG_LEVEL=info shows everything
  const level = process.env.POS_AGENT_LOG_LEVEL ?? 'warn';
  const pretty = process.stderr.isTTY === true;
  const log = createLogger({ name: 'pos-agent-serve', level, pretty });
  const agentLog = createLogger({
    name: 'pos-agent',
    level: process.env.POS_AGENT_LOG_LEVEL ?? 'error',
    pretty,
  });
  const { startDemo, demoBanner } = await import('./fleet-demo.js');
  const sig = untilSignal();
  let demo;
  try {
    demo = await startDemo({ ...(o.listen !== undefined ? { listen: o.listen } : {}), log, agentLog });
  } catch (e) {
    sig.dispose();
    throw e;
  }
  process.stdout.write(demoBanner(demo));
  const timed = afterSeconds(duration);
  try {
    await Promise.race([sig.promise, timed, demo.served.failed]);
  } finally {
    sig.dispose();
    await demo.stop();
    log.info({ event: 'serve_stopped' }, 'fleet serve --demo stopped, its temp dir removed');
  }
}

/** `fleet serve` and `fleet user`: the portal's code (Fastify, argon2) is loaded only here. */
function registerServe(fleet: Command): void {
  addConnectionOptionsOptional(
    fleet
      .command('serve')
      .description('collect, alert and serve the web portal over one fleet store (docs/fleet-server.md)'),
  )
    .option('--config <file>', 'config file (YAML or JSON) with fleet.serve and fleet.alerts')
    .addOption(new Option('--db <file>', 'SQLite file of the fleet store').conflicts('pg'))
    .option('--pg <url>', 'PostgreSQL URL of the fleet store instead of SQLite')
    .option('--listen <host:port>', 'where the portal listens (default 127.0.0.1:8080)')
    .option('--group <name>', 'MQTT 5 shared subscription group of the collectors')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)')
    .addOption(
      new Option(
        '--demo',
        'no config: SQLite in a temp dir, the embedded broker, simulated terminals, demo users printed once',
      ).conflicts(['config', 'db', 'pg', 'broker', 'group', 'fleet', 'username', 'ca', 'cert', 'key']),
    )
    .action(async (o: Record<string, string | undefined>) => {
      if (o.demo) return serveDemo(o);
      const { loadServeConfig } = await import('../../fleet/portal/config.js');
      const config = loadServeConfig(o.config, {
        db: o.db,
        pg: o.pg,
        broker: o.broker,
        listen: o.listen,
        group: o.group,
        fleet: o.fleet,
      });
      const duration = o.duration === undefined ? undefined : check('--duration', positive, o.duration);
      const mqttOpts = config.serve.broker
        ? connectionOptions({
            ...(o as unknown as ConnOpts),
            broker: config.serve.broker,
            fleet: config.serve.fleet,
          }).mqtt
        : {};
      const log = createLogger({ name: 'pos-agent-serve' });
      const { runServe } = await import('../../fleet/portal/serve.js');
      const served = await runServe({ config, log, mqtt: mqttOpts });
      process.stdout.write(`pos-agent fleet serve: portal at ${served.url}\n`);
      const sig = untilSignal();
      const timed = afterSeconds(duration);
      try {
        await Promise.race([sig.promise, timed, served.failed]);
      } finally {
        sig.dispose();
        await served.stop();
        log.info({ event: 'serve_stopped' }, 'fleet serve stopped');
      }
    });

  const user = fleet.command('user').description("the portal's users");
  user
    .command('add <name>')
    .description('add a portal user; the password is read from stdin')
    .requiredOption('--role <role>', 'operator (every fleet) or merchant (its merchant ids only)')
    .option('--merchant <id...>', 'merchant ids a merchant user sees (one or more)')
    .option('--config <file>', 'the fleet serve config file (its fleet.serve.db or pg)')
    .addOption(new Option('--db <file>', 'SQLite file of the fleet store').conflicts('pg'))
    .option('--pg <url>', 'PostgreSQL URL of the fleet store')
    .action(
      async (
        name: string,
        o: { role: string; merchant?: string[]; config?: string; db?: string; pg?: string },
      ) => {
        if (o.role !== 'operator' && o.role !== 'merchant')
          throw usageError('--role', `"${o.role}": operator or merchant`);
        const merchants = o.merchant ?? [];
        if (o.role === 'merchant' && merchants.length === 0)
          throw usageError('--merchant', 'a merchant user needs at least one merchant id');
        if (o.role === 'operator' && merchants.length > 0)
          throw usageError('--merchant', 'an operator sees every merchant: give no --merchant');
        for (const m of merchants)
          if (!/^[\x20-\x7e]{1,15}$/.test(m))
            throw usageError('--merchant', `"${m}": at most 15 printable characters`);
        const { loadServeConfig } = await import('../../fleet/portal/config.js');
        const { PASSWORD_MAX, PASSWORD_MIN, hashPassword } = await import('../../fleet/portal/auth.js');
        const { serve } = loadServeConfig(o.config, { db: o.db, pg: o.pg });
        const password = (await readStdin(PASSWORD_MAX + 2)).replace(/\r?\n$/, '');
        if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)
          throw usageError('stdin', `the password: ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`);
        const store = serve.pg ? await openPgFleetStore(serve.pg, 1) : sqliteFleetStore(serve.db);
        try {
          const u = await store.createUser({
            name,
            role: o.role,
            merchantIds: merchants,
            passwordHash: await hashPassword(password),
          });
          process.stdout.write(
            `user ${u.name} added (${u.role}${u.merchant_ids.length ? `: ${u.merchant_ids.join(', ')}` : ''})\n`,
          );
        } finally {
          await store.close();
        }
      },
    );
}

/** The MQTT options of `fleet serve`: the broker is optional there (the config may name it). */
function addConnectionOptionsOptional(cmd: Command): Command {
  return cmd
    .option('--broker <url>', 'broker URL of the collector (or fleet.serve.broker); none: no collecting')
    .option('--fleet <name>', 'fleet name, or + for every fleet')
    .option('--username <name>', 'MQTT username (password from POS_AGENT_MQTT_PASSWORD)')
    .option('--ca <file>', 'CA certificate (PEM) for mqtts://')
    .option('--cert <file>', 'client certificate (PEM)')
    .option('--key <file>', 'client key (PEM)');
}

export function register(program: Command): void {
  const fleet = program.command('fleet').description(COMMAND_LIST.fleet.summary);
  registerServe(fleet);

  addConnectionOptions(
    fleet
      .command('watch')
      .description('live table of a fleet: status, failures per minute, backlog, outliers'),
  )
    .option('--window <minutes>', 'sliding window for rates and outliers', '5')
    .option('--outlier-factor <x>', 'stands out above this multiple of the fleet median', '3')
    .option('--outlier-min <n>', 'and with at least this many failures in the window', '5')
    .option('--interval <seconds>', 'plain mode (not a TTY, or --plain): seconds between lines', '10')
    .option('--plain', 'print plain lines even on a TTY', false)
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const conn = connectionOptions(o as unknown as ConnOpts);
      const windowMin = check('--window', positive, o.window);
      const factor = check('--outlier-factor', positive, o.outlierFactor);
      const min = check('--outlier-min', z.coerce.number().int().min(1), o.outlierMin);
      const interval = check('--interval', positive, o.interval);
      const duration = o.duration === undefined ? undefined : check('--duration', positive, o.duration);
      const log = createLogger({ pretty: false, level: process.env.POS_AGENT_LOG_LEVEL ?? 'warn' });
      const w = startWatch({
        broker: conn.broker,
        fleet: conn.fleet,
        mqtt: conn.mqtt,
        config: { windowMs: windowMin * 60_000, outlierFactor: factor, outlierMin: min },
        out: process.stdout,
        log,
        intervalMs: interval * 1000,
        plain: o.plain === true,
        ...(duration !== undefined ? { durationMs: duration * 1000 } : {}),
      });
      const sig = untilSignal();
      await Promise.race([w.done, sig.promise]);
      sig.dispose();
      await w.stop();
      if (!w.everConnected()) {
        throw new ExportError('E_BROKER', `never connected to ${String(redactUrl(conn.broker))}`, 1);
      }
    });

  addConnectionOptions(
    fleet
      .command('collect')
      .description("store a fleet's failure records, identified by id, in SQLite or PostgreSQL"),
  )
    .addOption(
      new Option('--db <file>', 'SQLite file (created with the agent schema)')
        .default(DEFAULT_FLEET_DB)
        .conflicts('pg'),
    )
    .option('--pg <url>', 'PostgreSQL connection URL (postgres://user@host/db) instead of SQLite')
    .option(
      '--group <name>',
      'MQTT 5 shared subscription group ($share/NAME/...): collectors in one group split the stream',
    )
    .addOption(new Option('--share <group>', 'the same as --group (its first name)').hideHelp())
    .option('--client-id <id>', 'MQTT client id (default: stable, derived from host, store and group)')
    .option(
      '--session-expiry <seconds>',
      'how long the broker keeps this session while away',
      String(7 * 24 * 3600),
    )
    .option(
      '--max-packet-size <bytes>',
      'MQTT 5 maximum packet size announced to the broker; bigger messages are not accepted',
      String(DEFAULT_MAX_PACKET_BYTES),
    )
    .option('--stats-interval <seconds>', 'log counts every so often (0 = never)', '60')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)')
    .action(async (o: Record<string, string | undefined>) => {
      const conn = connectionOptions(o as unknown as ConnOpts);
      if (o.group !== undefined && o.share !== undefined && o.group !== o.share) {
        throw usageError('--group', `--group ${o.group} and --share ${o.share} name two groups; give one`);
      }
      const group = o.group ?? o.share;
      const groupKey = o.group !== undefined ? '--group' : '--share';
      if (group !== undefined && !/^[^/#+\s]{1,64}$/.test(group)) {
        throw usageError(groupKey, `"${group}" is not a share group name (no / # + or spaces)`);
      }
      const expiry = check(
        '--session-expiry',
        z.coerce.number().int().min(1).max(0xffffffff),
        o.sessionExpiry,
      );
      const maxPacket = check(
        '--max-packet-size',
        z.coerce.number().int().min(1024).max(268_435_455), // MQTT's largest packet
        o.maxPacketSize,
      );
      const statsEvery = check('--stats-interval', z.coerce.number().min(0), o.statsInterval);
      const duration = o.duration === undefined ? undefined : check('--duration', positive, o.duration);
      const log = createLogger({ name: 'pos-agent-collect' });
      let sink: FleetStore;
      let storeKey: string;
      if (o.pg !== undefined) {
        if (!isPgUrl(o.pg)) throw usageError('--pg', 'use a postgres:// or postgresql:// URL that parses');
        storeKey = o.pg.replace(/:[^:@/]*@/, '@'); // no password in the id derivation
        sink = await openPgFleetStore(o.pg, 2);
      } else {
        const file = o.db ?? DEFAULT_FLEET_DB;
        storeKey = resolve(file);
        sink = sqliteFleetStore(file);
      }
      const clientId = o.clientId ?? defaultClientId(storeKey, group);
      const c = startCollector({
        broker: conn.broker,
        fleet: conn.fleet,
        mqtt: conn.mqtt,
        clientId,
        sink,
        log,
        sessionExpirySec: expiry,
        maxPacketBytes: maxPacket,
        ...(group !== undefined ? { shareGroup: group } : {}),
      });
      const statsTimer =
        statsEvery > 0
          ? setInterval(
              () => log.info({ event: 'collect_stats', ...c.stats, alarms: c.alarms() }, 'collect stats'),
              statsEvery * 1000,
            )
          : undefined;
      const sig = untilSignal();
      const timed = afterSeconds(duration);
      try {
        await Promise.race([sig.promise, timed, c.failed]);
      } finally {
        sig.dispose();
        if (statsTimer) clearInterval(statsTimer);
        await c.stop();
        log.info({ event: 'collect_stopped', ...c.stats, alarms: c.alarms() }, 'collector stopped');
      }
    });
}
