/**
 * Wires the running agent together: config → logger → store → sync (and the embedded broker) →
 * display → pipeline → link (serial device, or the simulator in-process). `stop()` shuts it down
 * in the order that loses nothing: stop reading, flush the store, let sync finish and say
 * offline, close the database.
 */
import type { AgentConfig } from '../config/index.js';
import { ConfigError, configHash } from '../config/index.js';
import { FileProblem } from '../config/data-file.js';
import { terminalInfo } from '../config/guidance.js';
import { loadTexts } from '../config/texts.js';
import { createCatalog, DeclineTracker } from '../guidance/index.js';
import type { Logger } from '../log.js';
import { Pipeline, type ScreenSink } from '../pipeline/pipeline.js';
import type { SlipPrinter } from '../pipeline/desk.js';
import { slipPrinter } from './printer.js';
import { ScreenBook } from '../pipeline/screens.js';
import { type FailureRecord, LOCAL_FAULTS } from '../record.js';
import { OutcomeKeeper } from './outcomes.js';
import { type FailureStore, monotonicUlid, openStore } from '../store/index.js';
// sync (MQTT.js) and the embedded broker (aedes) are loaded only when configured: the agent's
// resident memory counts on a POS board
import type { EmbeddedBroker, SyncHandle } from '../sync/index.js';
import { readPem } from '../sync/pem.js';
import { resolveDialect } from '../decode/decode-stream.js';
import { createCodeTable, type CodeRow } from '../../protocol/response-codes/index.js';
import type { LinkEventSink } from '../../protocol/framing/index.js';
import { loadCardKey, readCardKey } from './card-key.js';

export interface LinkHandle {
  close(): Promise<void>;
}

export interface AgentParts {
  /** The display; default from config. */
  display?: ScreenSink & { close?(): Promise<void> | void };
  /** The receipt printer for the PRINT key; none by default. */
  printer?: SlipPrinter | null;
  /** Opens the event source and feeds the sink; default from config (serial or simulator). */
  openLink: (sink: LinkEventSink, log: Logger) => Promise<LinkHandle> | LinkHandle;
  /** Called after each prompt is shown (benchmarks). */
  onPrompt?: (row: CodeRow) => void;
  /** Called after each failure is durably committed. */
  onCommitted?: (rec: FailureRecord) => void;
  /**
   * MQTT protocol of the sync: 4 against a broker known to speak 3.1.1 only (the embedded one of
   * `fleet serve --demo`); default 5 with a fallback (4 when this agent started the embedded broker).
   */
  mqttProtocol?: 4 | 5;
}

export interface Agent {
  readonly pipeline: Pipeline;
  readonly store: FailureStore;
  readonly sync: SyncHandle | null;
  readonly broker: EmbeddedBroker | null;
  readonly bootId: string;
  /** Resolves when every failure seen so far is committed. */
  flush(): Promise<void>;
  /** Stops in the order that loses nothing; resolves with how many records were never written. */
  stop(): Promise<{ unwritten: number }>;
}

/** Resolves true when `p` settles within `ms`, false otherwise (the timer does not hold the process). */
function within(ms: number, p: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    const done = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    p.then(done, done);
  });
}

/**
 * Runs one config-driven setup step; any failure becomes a ConfigError naming the key. The
 * reason is the step's own (a FileProblem's says why and where, never what the file holds); a
 * raw I/O error gives its code only.
 */
function configStep<T>(key: string, value: unknown, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    if (e instanceof FileProblem) throw new ConfigError(key, value, e.reason);
    const err = e as NodeJS.ErrnoException;
    const reason = err.code && err.syscall ? `cannot read: ${err.code}` : err.message;
    throw new ConfigError(key, value, reason.replace(/^E_CONFIG:\s*/, ''));
  }
}

/** What startup has opened so far: closed again if a later step fails. */
interface Opened {
  store?: FailureStore;
  broker?: EmbeddedBroker;
  sync?: SyncHandle;
  pipeline?: Pipeline;
}

export async function startAgent(
  cfg: AgentConfig,
  parts: AgentParts,
  log: Logger,
  version: string,
): Promise<Agent> {
  const opened: Opened = {};
  try {
    return await openAgent(cfg, parts, log, version, opened);
  } catch (err) {
    // A step failed after others had opened (a card key that cannot be written, a link that
    // does not open). Nothing was read yet: close what was opened, then report. Left open, the
    // broker's and the sync's sockets and timers would keep the process alive after the error.
    opened.pipeline?.stop();
    await opened.sync?.stop();
    await opened.store?.close();
    await opened.broker?.close();
    throw err;
  }
}

async function openAgent(
  cfg: AgentConfig,
  parts: AgentParts,
  log: Logger,
  version: string,
  opened: Opened,
): Promise<Agent> {
  // a ULID, not a UUID: a UUID's dash-split digit groups read as a PAN to the card-data scrubber
  // in about 1 boot in 130 (its id would be masked in logs); Crockford base32 has too few digits
  const bootId = monotonicUlid()();
  // Everything the config points at (dialect file, code table, texts, TLS files) is loaded and
  // checked before anything is opened: a bad one is a ConfigError naming its key (exit 2).
  const dialect = configStep('dialect', cfg.dialect, () => resolveDialect(cfg.dialect));
  const warned = new Set<string>();
  const codes = configStep('response_codes', undefined, () =>
    createCodeTable(cfg.response_codes as Record<string, Partial<CodeRow>> | undefined, {
      onUnknown: (code) =>
        log.warn({ event: 'rc_unknown', rc: code }, 'response code not in the table: generic guidance shown'),
    }),
  );
  const catalog = configStep('texts', typeof cfg.texts === 'string' ? cfg.texts : undefined, () =>
    createCatalog({
      overrides: loadTexts(cfg.texts),
      textKeys: codes.rows().map((r) => r.textKey),
      onUnknownKey: (lang, key) =>
        log.warn(
          { event: 'text_key_unknown', code: 'E_CONFIG', lang, text_key: key },
          `texts: ${lang}.${key} is not a text key any screen uses (a typo?)`,
        ),
      onMissing: (lang, key) => {
        const k = `${lang}:${key}`;
        if (warned.has(k)) return;
        warned.add(k);
        log.warn({ event: 'text_missing', lang, text_key: key }, 'text missing in catalog, English shown');
      },
    }),
  );
  if (!catalog.languages().includes(cfg.language.cashier)) {
    throw new ConfigError(
      'language.cashier',
      cfg.language.cashier,
      `no texts in this language: ${catalog.languages().join(', ')}; add it under texts (docs/guidance.md)`,
    );
  }
  // TLS files are read here, once, so a missing one is named by its key; the sync gets the text
  const tls: { ca?: string; cert?: string; key?: string } = {};
  if (cfg.broker.url !== 'none' && cfg.broker.url !== 'embedded') {
    for (const k of ['ca', 'cert', 'key'] as const) {
      const text = configStep(`broker.${k}`, cfg.broker[k], () => readPem(cfg.broker[k]));
      if (text !== undefined) tls[k] = text;
    }
  }
  // an existing device key file that is not a key stops the start before the database is touched
  if (!cfg.declines.card_key) readCardKey(cfg.store.path);
  const screens = new ScreenBook(catalog, { width: cfg.display.width, height: cfg.display.height });

  const store = openStore({
    path: cfg.store.path,
    synchronous: cfg.store.synchronous,
    budgetBytes: Math.round(cfg.store.budget_mb * 1024 * 1024),
    groupCommitMs: cfg.store.group_commit_ms,
    groupCommitMax: cfg.store.group_commit_max,
    approvalRetentionDays: cfg.store.approval_retention_days,
    bootId,
    logger: log,
  });
  opened.store = store;
  // the device key beside the database: made after the database, which it marks as initialized
  // (a failure here closes the store through `opened`)
  const cardKey = loadCardKey(cfg.declines.card_key, cfg.store.path);

  let broker: EmbeddedBroker | null = null;
  let brokerUrl: string | null = cfg.broker.url;
  if (brokerUrl === 'none') brokerUrl = null;
  else if (brokerUrl === 'embedded') {
    const { startEmbeddedBroker } = await import('../sync/broker.js');
    try {
      broker = await startEmbeddedBroker({ port: cfg.broker.embedded_port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || cfg.broker.embedded_port === 0) throw err;
      // another broker already listens there (a local Mosquitto?): take any free port instead
      log.warn(
        { event: 'embedded_broker_port_busy', port: cfg.broker.embedded_port },
        'embedded broker port in use, using a free port',
      );
      broker = await startEmbeddedBroker({ port: 0 });
    }
    opened.broker = broker;
    brokerUrl = broker.url;
    log.info(
      { event: 'embedded_broker', url: broker.url },
      `embedded MQTT broker listening on ${broker.url}`,
    );
  }

  let pipeline: Pipeline | null = null;
  let keeperRef: OutcomeKeeper | null = null;
  const linkState = () => pipeline?.linkState ?? 'unknown';
  const syncModule = brokerUrl ? await import('../sync/sync.js') : null;
  const baseMetrics = syncModule ? syncModule.processMetrics(store, linkState) : null;
  const sync: SyncHandle | null =
    syncModule && baseMetrics && brokerUrl
      ? syncModule.startSync({
          url: brokerUrl,
          fleet: cfg.fleet,
          terminal: cfg.terminal.id,
          store,
          bootId,
          version,
          configHash: configHash(cfg),
          ...(cfg.broker.username !== undefined ? { username: cfg.broker.username } : {}),
          ...(cfg.broker.password !== undefined ? { password: cfg.broker.password } : {}),
          ...tls,
          // the embedded broker (aedes) speaks MQTT 3.1.1 only: don't try 5 first
          ...(broker ? { protocolVersion: 4 as const } : {}),
          ...(parts.mqttProtocol ? { protocolVersion: parts.mqttProtocol } : {}),
          batchSize: cfg.broker.batch_size,
          inflight: cfg.broker.inflight,
          heartbeatMs: cfg.broker.heartbeat_s * 1000,
          // counts by category from the pipeline: approvals included
          metrics: () => ({ ...baseMetrics(), counts: { ...pipeline!.counters.byCategory } }),
          alarms: () => keeperRef?.alarms() ?? [],
          logger: log,
        })
      : null;
  if (sync) opened.sync = sync;

  const display = parts.display ?? { show: () => {} };
  const onStored = (rec: FailureRecord): void => {
    sync?.notify();
    parts.onCommitted?.(rec);
  };
  let stopping = false;
  const onNotStored = (err: Error & { code?: string }): void => {
    // at stop, records the disk did not take within the grace period: the store counts them in one line
    if (stopping && err.code === 'E_STORE_CLOSED') return;
    // the store keeps retrying disk errors itself; a rejection here is an invalid record or a full queue
    log.error({ event: 'record_failed', code: err.code ?? 'E_RECORD', err }, 'failure record was not stored');
  };
  // Failures, approvals and outcome changes go to the store through the keeper, which follows each
  // failed sale to its end (recoveries, double charges; docs/outcomes.md). flush() and stop() wait
  // for what it handed to the store.
  const keeper = new OutcomeKeeper({
    store,
    terminalId: cfg.terminal.id,
    merchantId: cfg.terminal.merchant_id,
    codes,
    recoveryWindowMs: cfg.outcomes.recovery_window_min * 60_000,
    doubleChargeWindowMs: cfg.outcomes.double_charge_window_min * 60_000,
    logger: log,
    onStored,
    onNotStored,
    onDoubleCharge: () => pipeline?.desk.outcome(codes.lookup(LOCAL_FAULTS.doubleCharge)),
  });
  keeper.warmStart();
  keeperRef = keeper;
  const drained = (): Promise<void> => keeper.settled();
  pipeline = new Pipeline({
    dialect,
    codes,
    screens,
    display,
    tracker: new DeclineTracker({ maxPerDay: cfg.declines.max_per_card_per_day }),
    cardKey,
    terminalId: cfg.terminal.id,
    merchantId: cfg.terminal.merchant_id,
    cashierLang: cfg.language.cashier,
    customerFollowsCard: cfg.language.customer_follows_card,
    hostTimeoutMs: cfg.pipeline.host_timeout_ms,
    logger: log,
    terminal: terminalInfo(cfg),
    printer:
      parts.printer ??
      (cfg.printer.target !== undefined
        ? slipPrinter(cfg.printer.target, cfg.printer.columns, cfg.language.cashier)
        : null),
    ...(parts.onPrompt ? { onPrompt: parts.onPrompt } : {}),
    record: (f, facts) => keeper.failure(f, facts),
    approval: (a) => keeper.approval(a),
    outcome: (m) => keeper.outcome(m),
  });
  opened.pipeline = pipeline;
  pipeline.start();
  const link = await parts.openLink((e) => pipeline!.onLinkEvent(e), log);
  log.info(
    {
      event: 'agent_started',
      boot_id: bootId,
      terminal: cfg.terminal.id,
      fleet: cfg.fleet,
      db: store.path,
      durability: store.durability,
    },
    'agent started',
  );

  let stopped = false;
  return {
    pipeline,
    store,
    sync,
    broker,
    bootId,
    async flush() {
      await drained();
      await store.flush();
    },
    async stop() {
      if (stopped) return { unwritten: 0 };
      stopped = true;
      await link.close();
      pipeline!.stop();
      pipeline!.expireRequests();
      // A full or failing disk keeps records waiting (the store retries): wait for them at most the
      // grace period, then close the store, which refuses what still waits (E_STORE_CLOSED).
      stopping = true;
      if (
        !(await within(
          cfg.store.stop_grace_s * 1000,
          drained().then(() => store.flush()),
        ))
      ) {
        log.warn(
          { event: 'stop_grace_expired', grace_s: cfg.store.stop_grace_s },
          'records still wait for the disk after the stop grace period: closing the store',
        );
      }
      if (sync) await sync.stop();
      const { unwritten } = await store.close();
      if (broker) await broker.close();
      await display.close?.();
      log.info(
        {
          event: 'agent_stopped',
          ...pipeline!.counters,
          byCategory: undefined,
          // found by the keeper after the fact: a double charge is a record of its own
          recovered: keeper.counts.recovered,
          double_charges: keeper.counts.doubleCharges,
          unwritten,
        },
        'agent stopped',
      );
      return { unwritten };
    },
  };
}
