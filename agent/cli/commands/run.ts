/**
 * `pos-agent run`: the agent. With --simulate the simulated payment module runs in-process, so the
 * whole product works with no hardware: console display, a local SQLite file and an embedded MQTT
 * broker by default.
 */
import { type Command, Option } from 'commander';
import { ConfigError, loadConfig, redactConfig, type AgentConfig } from '../../config/index.js';
import { createLogger, type Logger } from '../../log.js';
import { LANGS } from '../../guidance/langs.js';
import { type Agent, type LinkHandle, startAgent } from '../../run/agent.js';
import { openDisplay } from '../../run/display.js';
import { KEYPAD_HINT, readKeypad } from '../../run/keyboard.js';
import { scrubPans } from '../../../protocol/card/pan.js';
import { onStdoutClosed } from '../stdout.js';
import { frameStream, openSerialLink, openTcpLink } from '../../../hardware/serial/index.js';
// the simulator's own modules, not its index: the index also brings the pty and TCP outputs of
// `pos-agent simulate` (child_process, net), which an in-process simulator never uses (start-up)
import {
  CASHIER_PACE,
  isScenarioName,
  type SalePace,
  type Scenario,
  SCENARIO_NAMES,
  SCENARIOS,
} from '../../../hardware/simulator/scenarios.js';
import { createSimulatorStream } from '../../../hardware/simulator/stream.js';
import { FRAMINGS, type LinkEventSink } from '../../../protocol/framing/index.js';
import { DIALECTS, isDialectName } from '../../../protocol/iso8583/index.js';
import { agentVersion } from '../../package.js';
import { COMMAND_LIST } from '../command-list.js';

interface RunFlags {
  config?: string;
  simulate?: boolean;
  scenario?: string;
  rate?: string;
  pace?: string;
  duration?: string;
  seed?: string;
  serial?: string;
  framing?: string;
  db?: string;
  display?: string;
  lang?: string;
  broker?: string;
  fleet?: string;
  terminal?: string;
  printConfig?: boolean;
}

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError(flag, v, 'not a number');
  return n;
}

/** `--pace 2.5-5` (seconds between sales, a range) or `--pace 4` (always 4 s). */
function paceArg(v: string): number | [number, number] {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?$/.exec(v);
  if (!m)
    throw new ConfigError('--pace', v, 'seconds between sales: a number or a range MIN-MAX, e.g. 2.5-5');
  return m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
}

/** CLI flags as a tree of config keys (they override the file and the environment). */
export function flagsToConfig(f: RunFlags): Record<string, unknown> {
  const t: Record<string, Record<string, unknown> | string> = {};
  const sec = (name: string): Record<string, unknown> => {
    const cur = t[name];
    if (typeof cur === 'object') return cur;
    const fresh: Record<string, unknown> = {};
    t[name] = fresh;
    return fresh;
  };
  if (f.simulate) sec('simulate').enabled = true;
  if (f.scenario !== undefined) sec('simulate').scenario = f.scenario;
  if (f.rate !== undefined) sec('simulate').rate = num('--rate', f.rate);
  if (f.pace !== undefined) sec('simulate').pace_s = paceArg(f.pace);
  if (f.duration !== undefined) sec('simulate').duration_s = num('--duration', f.duration);
  if (f.seed !== undefined) sec('simulate').seed = num('--seed', f.seed);
  if (f.serial !== undefined) sec('serial').device = f.serial;
  if (f.framing !== undefined) sec('serial').framing = f.framing;
  if (f.db !== undefined) sec('store').path = f.db;
  if (f.display !== undefined) {
    const [driver, ...rest] = f.display.split(':');
    sec('display').driver = driver;
    if (rest.length > 0) sec('display').lcd_path = rest.join(':');
  }
  if (f.lang !== undefined) sec('language').cashier = f.lang;
  if (f.broker !== undefined) sec('broker').url = f.broker;
  if (f.fleet !== undefined) t.fleet = f.fleet;
  if (f.terminal !== undefined) sec('terminal').id = f.terminal;
  return t;
}

export function linkOpener(
  cfg: AgentConfig,
): (sink: LinkEventSink, log: Logger) => Promise<LinkHandle> | LinkHandle {
  const framing = {
    framing: cfg.serial.framing,
    tpdu: cfg.serial.tpdu,
    maxFrameBytes: cfg.serial.max_frame_bytes,
  };
  if (cfg.simulate.enabled) {
    if (!isScenarioName(cfg.simulate.scenario)) {
      throw new ConfigError(
        'simulate.scenario',
        cfg.simulate.scenario,
        `unknown scenario; one of ${SCENARIO_NAMES.join(', ')}`,
      );
    }
    const scenario = cfg.simulate.scenario;
    const dialect = cfg.dialect;
    // the simulator speaks every built-in dialect (1993 ones in their 1xxx forms), not a file's
    if (!isDialectName(dialect)) {
      throw new ConfigError(
        'dialect',
        dialect,
        `the simulator speaks the built-in dialects only: ${Object.keys(DIALECTS).join(', ')}`,
      );
    }
    const rate = cfg.simulate.rate;
    const pace = paceOf(cfg, SCENARIOS[scenario]);
    return (sink, log) => {
      const stream = createSimulatorStream({
        scenario,
        framing: cfg.serial.framing,
        tpdu: cfg.serial.tpdu,
        dialect,
        seed: cfg.simulate.seed,
        ...(rate !== undefined ? { rate } : {}),
        ...(pace !== undefined ? { pace } : {}),
        terminalId: cfg.terminal.id.padEnd(8, ' '),
        merchantId: cfg.terminal.merchant_id.padEnd(15, ' '),
        ...(cfg.simulate.duration_s > 0 ? { duration: cfg.simulate.duration_s } : {}),
      });
      const framer = frameStream(stream, framing, sink);
      log.info(
        {
          event: 'simulator_started',
          scenario,
          rate: stream.rate,
          pace_s: stream.pace ? stream.pace.betweenSalesS : null,
        },
        `simulated payment module: scenario ${scenario}`,
      );
      return {
        close: async () => {
          framer.detach();
          stream.destroy();
        },
      };
    };
  }
  if (!cfg.serial.device) {
    throw new ConfigError(
      'serial.device',
      undefined,
      'no serial device configured: give --serial PATH, or --simulate to run without hardware',
    );
  }
  const device = cfg.serial.device;
  // tcp://HOST:PORT: a module (or `pos-agent simulate --tcp PORT`) reachable over TCP, not a UART
  const tcp = /^tcp:\/\/([^:/]+):(\d{1,5})\/?$/.exec(device);
  const port = tcp ? Number(tcp[2]) : 0;
  if (tcp && (port < 1 || port > 65535))
    throw new ConfigError('serial.device', device, 'TCP port must be 1-65535');
  return (sink, log) => {
    const link = tcp
      ? openTcpLink({ host: tcp[1] as string, port, ...framing, logger: log })
      : openSerialLink({ path: device, baudRate: cfg.serial.baud, ...framing, logger: log });
    link.onEvent(sink);
    return link;
  };
}

/** simulate.pace_s as the simulator's pace (undefined: the scenario's own timing). */
function paceOf(cfg: AgentConfig, scenario: Scenario): SalePace | undefined {
  const p = cfg.simulate.pace_s;
  if (p === undefined) return undefined;
  if (cfg.simulate.rate !== undefined)
    throw new ConfigError(
      'simulate.pace_s',
      String(p),
      'give simulate.rate (--rate) or a pace (--pace), not both',
    );
  const [lo, hi] = typeof p === 'number' ? [p, p] : p;
  if (lo > hi)
    throw new ConfigError('simulate.pace_s', `${lo}-${hi}`, 'the range is MIN-MAX, MIN not above MAX');
  return { betweenSalesS: [lo, hi], frameGapMs: (scenario.pace ?? CASHIER_PACE).frameGapMs };
}

export async function runAgent(flags: RunFlags): Promise<void> {
  const cfg = loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    env: process.env,
    flags: flagsToConfig(flags),
  });
  // checks what it can without opening anything (scenario, simulator dialect, device), so
  // --print-config does not show a configuration that run would refuse
  const openLink = linkOpener(cfg);
  if (flags.printConfig) {
    // secrets masked by key; a card number typed into any other value masked too
    process.stdout.write(`${scrubPans(JSON.stringify(redactConfig(cfg), null, 2))}\n`);
    return;
  }
  const log = createLogger({ level: cfg.log.level, pretty: process.stderr.isTTY === true });
  // The console display writes to stdout: when its reader goes away (`run | head`), stop as on
  // SIGTERM, so every failure seen is flushed (agent/cli/stdout.ts). Until the agent is up, the
  // request waits.
  let stopRequested: string | undefined;
  let requestStop = (why: string): void => {
    stopRequested ??= why;
  };
  const offStdout = onStdoutClosed(() => requestStop('stdout closed'));
  // Signals are ours before the agent starts: with no listener, a SIGTERM right after
  // `agent_started` (a service manager stopping a unit that just came up) killed the process before
  // it could flush; now it waits for the start and stops in order.
  process.once('SIGTERM', () => requestStop('SIGTERM'));
  process.once('SIGINT', () => requestStop('SIGINT'));
  // on a terminal, the console screen takes keys from the keyboard as a keypad would (the demo)
  const keyboard =
    cfg.display.driver === 'console' && process.stdin.isTTY === true && process.stdout.isTTY === true;
  const display = await openDisplay(cfg, log, keyboard ? { hint: KEYPAD_HINT } : {});
  let agent: Agent;
  try {
    agent = await startAgent(cfg, { display, openLink }, log, agentVersion());
  } catch (e) {
    offStdout();
    // an LCD keeps reconnecting (and the process alive) until it is closed
    await display.close?.();
    throw e;
  }

  const offKeys = keyboard
    ? readKeypad(
        process.stdin,
        (k) => agent.pipeline.desk.key(k),
        () => requestStop('SIGINT'),
      )
    : null;
  let stopping: Promise<void> | null = null;
  const stop = (why: string): Promise<void> => {
    if (!stopping) {
      offKeys?.();
      log.info({ event: 'agent_stopping', reason: why }, `stopping (${why})`);
      stopping = agent.stop().then(({ unwritten }) => {
        // records the disk never took (full disk past the grace period): a runtime failure, exit 1
        if (unwritten > 0) process.exitCode = 1;
      });
    }
    return stopping;
  };
  let durationTimer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    requestStop = (why) => void stop(why).then(resolve);
    if (cfg.simulate.enabled && cfg.simulate.duration_s > 0) {
      // let the last frames and the host timeout of the last request play out, then stop
      durationTimer = setTimeout(() => requestStop('duration reached'), cfg.simulate.duration_s * 1000 + 500);
    }
    if (stopRequested !== undefined) requestStop(stopRequested);
  });
  clearTimeout(durationTimer); // stopped by a signal first: the timer would hold the process
  offStdout();
  // Stopped: store flushed and closed, every connection and timer closed. Should anything still
  // hold the process, it would never exit (issue 9, item 15): say what, and exit.
  setTimeout(() => {
    log.error(
      { event: 'exit_forced', code: 'E_EXIT', handles: process.getActiveResourcesInfo() },
      'stopped, but handles still open: exiting',
    );
    process.exit();
  }, EXIT_GRACE_MS).unref();
}

/** How long after a complete stop the process may take to exit by itself. */
const EXIT_GRACE_MS = 2000;

export function register(program: Command): void {
  program
    .command('run')
    .description(COMMAND_LIST.run.summary)
    .option('--config <file>', 'config file (JSON or YAML); see docs/config.md')
    .option('--simulate', 'run the simulated payment module in-process (no hardware needed)')
    .option('--scenario <name>', `simulator scenario: ${SCENARIO_NAMES.join(', ')}`)
    .option('--rate <n>', 'simulator frames per second (a transaction is 2-4 frames)')
    .option(
      '--pace <s>',
      "simulator: seconds between one sale and the next, MIN-MAX or one number (default: the scenario's; shift 2.5-5)",
    )
    .option('--duration <s>', 'stop after this many seconds (simulator)')
    .option('--seed <n>', 'simulator random seed')
    .option('--serial <path>', 'serial device of the payment module, or tcp://HOST:PORT')
    .addOption(new Option('--framing <kind>', 'serial framing').choices(FRAMINGS))
    .option('--db <file>', 'SQLite failure store', undefined)
    .option('--display <driver>', 'console, lcd:PATH or none')
    .option('--lang <xx>', `cashier language: ${LANGS.join(', ')}`)
    .option('--broker <url>', 'mqtt://host:port, mqtts://..., embedded or none')
    .option('--fleet <id>', 'fleet id (MQTT topic segment)')
    .option('--terminal <id>', 'terminal id (field 41, MQTT topic segment)')
    .option('--print-config', 'print the effective configuration (secrets masked) and exit')
    .action(async (flags: RunFlags) => {
      await runAgent(flags);
    });
}
