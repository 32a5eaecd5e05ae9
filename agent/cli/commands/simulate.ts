/**
 * `pos-agent simulate`: the simulated payment module. Writes a named scenario's frames to a pty
 * (a socat pair: the agent opens PATH), an existing tty, or TCP clients; or prints the script
 * with its expected outcomes as NDJSON (--print). See docs/serial.md.
 */

import { existsSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  createSimulatorStream,
  isCharDevice,
  isScenarioName,
  pumpToTty,
  SCENARIO_NAMES,
  SCENARIOS,
  type Scenario,
  type ScenarioName,
  type SimulatorStreamOptions,
  scriptSteps,
  serveTcp,
  startPtyPair,
} from '../../../hardware/simulator/index.js';
import { FRAMINGS, type FramingName } from '../../../protocol/framing/types.js';
import { DIALECTS, isDialectName } from '../../../protocol/iso8583/index.js';
import { createLogger } from '../../log.js';
import { UsageError } from '../usage-error.js';
import { COMMAND_LIST } from '../command-list.js';

function positive(name: string, integer: boolean) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`${name} must be a positive ${integer ? 'integer' : 'number'}`);
    return n;
  };
}

interface SimulateFlags {
  scenario: string;
  framing: FramingName;
  tpdu?: boolean;
  dialect: string;
  rate?: number;
  duration?: number;
  count?: number;
  seed: number;
  pty?: string;
  tcp?: number;
  host: string;
  print?: boolean;
  withBytes?: boolean;
  lateGapMs?: number;
  maxFrameBytes?: number;
  terminal?: string;
  merchant?: string;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description(COMMAND_LIST.simulate.summary)
    .addOption(new Option('--scenario <name>', `scenario: ${SCENARIO_NAMES.join(', ')}`).default('shift'))
    .addOption(new Option('--framing <framing>', 'serial framing').choices(FRAMINGS).default('line'))
    .option('--tpdu', 'binary framing: add a 5-byte TPDU (60 DDDD SSSS) to every frame')
    .addOption(
      new Option('--dialect <name>', 'ISO 8583 dialect of the messages')
        .choices(Object.keys(DIALECTS))
        .default('ascii'),
    )
    .option('--rate <n>', "frames per second (default: the scenario's)", positive('rate', false))
    .option('--duration <s>', 'stop after S seconds', positive('duration', false))
    .option('--count <n>', 'stop after N frames', positive('count', true))
    .option(
      '--seed <n>',
      'random seed (same seed, same frames)',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n)) throw new InvalidArgumentError('seed must be an integer');
        return n;
      },
      1,
    )
    .option('--pty <path>', 'make a socat pty pair and give the agent PATH (or write to PATH if it is a tty)')
    .option('--tcp <port>', 'serve the stream to TCP clients on this port', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('port must be 0..65535');
      return n;
    })
    .option('--host <addr>', 'TCP listen address', '127.0.0.1')
    .option(
      '--print',
      'print the script (labels, expected link result and outcome) as NDJSON instead of sending it',
    )
    .option(
      '--with-bytes',
      "--print: add each frame's wire bytes as hex, card numbers included (synthetic, on test-card prefixes: treat as card data)",
    )
    .option(
      '--max-frame-bytes <n>',
      "the agent's maxFrameBytes (oversize noise goes above it)",
      positive('max-frame-bytes', true),
    )
    .option(
      '--late-gap-ms <n>',
      'timeouts: quiet milliseconds between a host timeout and its late approval (default 1000)',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0)
          throw new InvalidArgumentError('late gap must be an integer, 0 or more');
        return n;
      },
    )
    .option('--terminal <id>', 'terminal id, 8 characters (field 41)')
    .option('--merchant <id>', 'merchant id, 15 characters (field 42)')
    .addHelpText(
      'after',
      `\nScenarios:\n${SCENARIO_NAMES.map((n) => `  ${n.padEnd(14)} ${SCENARIOS[n].description} (default ${timing(SCENARIOS[n])})`).join('\n')}\n\nExamples:\n  pos-agent simulate --scenario shift --pty /tmp/pos-module\n  pos-agent simulate --scenario noise --framing binary --tpdu --tcp 7000\n  pos-agent simulate --scenario outage --count 50 --print
  pos-agent simulate --scenario timeouts --dialect iso93-ascii --rate 20 --late-gap-ms 200 --pty /tmp/pos-module`,
    )
    .action(async (flags: SimulateFlags) => {
      await simulate(flags);
    });
}

async function simulate(f: SimulateFlags): Promise<void> {
  if (!isScenarioName(f.scenario))
    throw new UsageError(`unknown scenario "${f.scenario}" (one of ${SCENARIO_NAMES.join(', ')})`);
  if (!isDialectName(f.dialect)) throw new UsageError(`unknown dialect "${f.dialect}"`);
  const outputs = [f.pty !== undefined, f.tcp !== undefined, f.print === true].filter(Boolean).length;
  if (outputs !== 1) throw new UsageError('give exactly one of --pty PATH, --tcp PORT or --print');
  if (f.tpdu && f.framing !== 'binary') throw new UsageError('--tpdu needs --framing binary');
  const scenario: ScenarioName = f.scenario;
  const opts: SimulatorStreamOptions = {
    scenario,
    framing: f.framing,
    tpdu: f.tpdu === true,
    dialect: f.dialect,
    seed: f.seed,
    ...(f.rate !== undefined ? { rate: f.rate } : {}),
    ...(f.duration !== undefined ? { duration: f.duration } : {}),
    ...(f.count !== undefined ? { count: f.count } : {}),
    ...(f.maxFrameBytes !== undefined ? { maxFrameBytes: f.maxFrameBytes } : {}),
    ...(f.lateGapMs !== undefined ? { lateGapMs: f.lateGapMs } : {}),
    ...(f.terminal !== undefined ? { terminalId: f.terminal } : {}),
    ...(f.merchant !== undefined ? { merchantId: f.merchant } : {}),
  };

  if (f.print) {
    const n =
      f.count ??
      (f.duration !== undefined ? Math.ceil(f.duration * (f.rate ?? SCENARIOS[scenario].rate)) : undefined);
    if (n === undefined) throw new UsageError('--print needs --count or --duration');
    let i = 0;
    for (const s of scriptSteps(opts)) {
      if (i++ >= n) break;
      const line = JSON.stringify({
        index: s.index,
        txn: s.txn,
        label: s.label,
        ...(f.withBytes ? { hex: s.bytes.toString('hex') } : {}),
        link: s.link,
        outcome: s.outcome,
        gap_after_ms: s.gapAfterMs,
        ...(s.seq !== undefined ? { seq: s.seq } : {}),
        ...(s.expect !== undefined ? { expect: s.expect } : {}),
      });
      if (!process.stdout.write(`${line}\n`)) await new Promise((r) => process.stdout.once('drain', r));
    }
    return;
  }

  const log = createLogger({ name: 'pos-agent-simulate', pretty: process.stderr.isTTY === true });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let sent = 0;
  const counting = { ...opts, onStep: () => void sent++ };
  const t0 = Date.now();
  try {
    if (f.tcp !== undefined) {
      const srv = await serveTcp(f.tcp, () => createSimulatorStream(counting), log, f.host);
      log.info(
        { event: 'sim_listening', host: f.host, port: srv.port, scenario, framing: f.framing },
        `simulator listening on ${f.host}:${srv.port}`,
      );
      process.stderr.write(
        `pos-agent simulate: serving ${scenario} (${f.framing}) on tcp://${f.host}:${srv.port}\n`,
      );
      await new Promise<void>((r) => abort.signal.addEventListener('abort', () => r(), { once: true }));
      await srv.close();
    } else {
      const path = f.pty!;
      let target = path;
      let stopPair: (() => Promise<void>) | null = null;
      if (isCharDevice(path)) {
        log.info({ event: 'sim_tty', path }, 'writing to an existing tty');
      } else if (existsSync(path)) {
        throw new UsageError(`${path} exists and is not a tty; give a new path for the pty link`);
      } else {
        const pair = await startPtyPair(path);
        target = pair.simPath;
        stopPair = pair.stop;
        log.info({ event: 'sim_pty', agentPath: path, simPath: pair.simPath }, 'pty pair ready');
        process.stderr.write(
          `pos-agent simulate: agent end ${path} (e.g. pos-agent run --serial ${path}); ${scenario}, ${f.framing} framing\n`,
        );
      }
      try {
        await pumpToTty(createSimulatorStream(counting), target, log, abort.signal);
      } finally {
        if (stopPair) await stopPair();
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  process.stdout.write(
    `${JSON.stringify({ scenario, framing: f.framing, frames: sent, seconds: (Date.now() - t0) / 1000 })}\n`,
  );
}

/** A scenario's default timing for the help: its pace, else its rate. */
function timing(sc: Scenario): string {
  return sc.pace ? `a sale every ${sc.pace.betweenSalesS.join('-')} s` : `${sc.rate}/s`;
}
