/**
 * `pos-agent fleet serve`: the collector (a member of the MQTT 5 shared subscription group), the
 * alerts (fed from the store, alert-feed.ts) and the portal, over one FleetStore. The config's
 * alert rules are written to the store at start (source 'config', replacing the previous start's);
 * the rules that run are the store's enabled ones, so a rule edited in the portal runs at once.
 * stop() ends them in the reverse order: the portal, the collector, the alerts, the store.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IClientOptions } from 'mqtt';
import type { Logger } from 'pino';
import { ConfigError } from '../../config/load.js';
import { type AlertRule, parseAlertRule } from '../alerts/rules.js';
import { type AlertService, runAlerts } from '../alerts/service.js';
import { storeOutbox } from '../alerts/outbox-store.js';
import type { AlertOutbox } from '../alerts/outbox.js';
import { type Collector, defaultClientId, startCollector } from '../collector.js';
import { openPgFleetStore } from '../store/postgres.js';
import { sqliteFleetStore } from '../store/sqlite.js';
import { type FleetStore, OPERATOR } from '../store/types.js';
import { type AlertFeed, startAlertFeed } from './alert-feed.js';
import type { FleetServeConfig } from './config.js';
import { createLiveHub, type LiveHub } from './live.js';
import { buildPortal } from './server.js';

export interface Served {
  /** The portal's address, e.g. http://127.0.0.1:8080. */
  url: string;
  store: FleetStore;
  live: LiveHub;
  collector: Collector | null;
  alerts: AlertService | null;
  /** Resolves or rejects when the collector had to stop (never otherwise). */
  failed: Promise<never>;
  stop(): Promise<void>;
}

/** The config's rules into the store (source 'config'); config rules no longer in the file are removed. */
async function syncConfigRules(store: FleetStore, rules: readonly AlertRule[]): Promise<void> {
  const ids = new Set(rules.map((r) => r.id));
  for (const old of await store.listAlertRules(OPERATOR))
    if (old.source === 'config' && !ids.has(old.id)) await store.deleteAlertRule(OPERATOR, old.id);
  for (const r of rules)
    await store.putAlertRule({
      id: r.id,
      merchant_id: 'merchant_id' in r.params ? (r.params.merchant_id ?? null) : null,
      spec: r as unknown as Record<string, unknown>,
      enabled: true,
      source: 'config',
    });
}

/** The store's enabled rules that still parse (a bad stored one is logged and left out). */
async function runningRules(store: FleetStore, log: Logger): Promise<AlertRule[]> {
  const out: AlertRule[] = [];
  for (const r of await store.listAlertRules(OPERATOR)) {
    if (!r.enabled) continue;
    try {
      out.push(parseAlertRule(r.spec, `alert_rules.${r.id}`));
    } catch (e) {
      log.warn(
        { event: 'alert_rule_skipped', rule: r.id, reason: (e as Error).message },
        'stored alert rule does not parse',
      );
    }
  }
  return out;
}

function readPemFile(key: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(key, file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export async function runServe(o: {
  config: FleetServeConfig;
  log: Logger;
  /** Extra MQTT options (TLS files, user name, password). */
  mqtt?: Partial<IClientOptions>;
  clientId?: string;
  /**
   * The collector's MQTT 5 shared subscription group (default fleet.serve.group); null: a plain
   * subscription, for a broker without shared subscriptions (the demo's embedded MQTT 3.1.1 one).
   */
  shareGroup?: string | null;
}): Promise<Served> {
  const { serve } = o.config;
  const log = o.log;
  const tls = serve.tls
    ? {
        cert: readPemFile('fleet.serve.tls.cert', serve.tls.cert),
        key: readPemFile('fleet.serve.tls.key', serve.tls.key),
      }
    : undefined;
  const store = serve.pg ? await openPgFleetStore(serve.pg, serve.pg_pool) : sqliteFleetStore(serve.db);
  const closers: Array<() => Promise<void>> = [() => store.close()];
  const stopAll = async () => {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (err) {
        log.warn({ event: 'serve_stop_failed', err }, 'stopping a part failed');
      }
    }
    closers.length = 0;
  };
  try {
    // alerts: rules from the config into the store, then the store's rules run
    let alerts: AlertService | null = null;
    let feed: AlertFeed | null = null;
    let outbox: AlertOutbox | null = null;
    if (o.config.alerts) await syncConfigRules(store, o.config.alerts.rules);
    const alertsCfg = o.config.alerts;
    if (alertsCfg && serve.alerts) {
      outbox = storeOutbox(store); // the store's alert_deliveries: SQLite or PostgreSQL alike
      alerts = await runAlerts({
        config: { ...alertsCfg, rules: await runningRules(store, log) },
        outbox,
        log,
      });
      const a = alerts;
      closers.push(() => a.stop());
      feed = startAlertFeed({
        store,
        alerts,
        log,
        everyMs: Math.max(serve.live_poll_ms, 1000),
        silentAfterMs: serve.silent_after_s * 1000,
      });
      const f = feed;
      closers.push(() => f.stop());
    }

    const live = createLiveHub({
      store,
      log,
      pollMs: serve.live_poll_ms,
      silentAfterMs: serve.silent_after_s * 1000,
    });
    closers.push(async () => live.close());

    let collector: Collector | null = null;
    let failed: Promise<never> = new Promise<never>(() => {});
    if (serve.broker) {
      const kick = () => {
        live.kick();
        void feed?.kick();
      };
      const sink = {
        kind: store.kind,
        insert: async (fleet: string, records: Parameters<FleetStore['insert']>[1]) => {
          const r = await store.insert(fleet, records);
          if (r.inserted + r.replaced > 0) kick();
          return r;
        },
        // the collector's group commit: several messages in one transaction
        insertBatch: async (batch: Parameters<FleetStore['insertBatch']>[0]) => {
          const r = await store.insertBatch(batch);
          if (r.inserted + r.replaced > 0) kick();
          return r;
        },
        health: async (fleet: string, u: Parameters<FleetStore['health']>[1]) => {
          await store.health(fleet, u);
          kick();
        },
        close: async () => {},
      };
      const storeKey = serve.pg ? serve.pg.replace(/:[^:@/]*@/, '@') : resolve(serve.db);
      collector = startCollector({
        broker: serve.broker,
        fleet: serve.fleet,
        ...(o.shareGroup === null ? {} : { shareGroup: o.shareGroup ?? serve.group }),
        clientId: o.clientId ?? defaultClientId(storeKey, serve.group),
        sink,
        log,
        ...(o.mqtt ? { mqtt: o.mqtt } : {}),
      });
      const c = collector;
      closers.push(() => c.stop());
      failed = c.failed;
    }

    const app = await buildPortal({
      store,
      config: serve,
      log,
      live,
      alerts: alertsCfg,
      tls,
      onRulesChanged: async () => {
        if (alerts) alerts.setRules(await runningRules(store, log));
      },
    });
    closers.push(() => app.close());
    await app.listen({ host: serve.listen.host, port: serve.listen.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : serve.listen.port;
    const host = serve.listen.host.includes(':') ? `[${serve.listen.host}]` : serve.listen.host;
    const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    log.info(
      {
        event: 'serve_started',
        url,
        store: store.kind,
        broker: serve.broker ? 'yes' : 'no',
        alerts: alerts !== null,
      },
      'fleet serve started',
    );
    return { url, store, live, collector, alerts, failed, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
