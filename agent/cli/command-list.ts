/**
 * The `pos-agent` commands as data: each one's module, loaded on demand, and its line in
 * `pos-agent --help`. `run` on a POS board should not carry the export, fleet or PostgreSQL code in
 * its resident memory, and `pos-agent --help` should not compile every command to print seven
 * lines (~400 ms of CPU when it did). Each module registers its command with the summary from here
 * (one statement of it); `term` is what commander prints for the real command (its name, then
 * `[options]` and the arguments), which test/cli/command-list.test.ts checks against each module.
 */
import type { Command } from 'commander';

export interface CommandEntry {
  /** The command's line in the top-level help, before its summary. */
  readonly term: string;
  /** One line: what the command does. */
  readonly summary: string;
  readonly load: () => Promise<{ register(program: Command): void }>;
}

export const COMMAND_LIST = {
  run: {
    term: 'run [options]',
    summary: 'run the agent (serial device, or the built-in simulator with --simulate)',
    load: () => import('./commands/run.js'),
  },
  decode: {
    term: 'decode [options]',
    summary: 'decode ISO 8583 messages from stdin to NDJSON (PAN masked, card data redacted)',
    load: () => import('./commands/decode.js'),
  },
  explain: {
    term: 'explain [options] <code>',
    summary: 'explain a response code: category, who acts, retry advice, cashier prompt, issuer script',
    load: () => import('./commands/explain.js'),
  },
  script: {
    term: 'script [options] [id]',
    summary: 'print the contact-issuer script for a stored failure (stdout or a receipt printer)',
    load: () => import('./commands/script.js'),
  },
  simulate: {
    term: 'simulate [options]',
    summary: 'run the simulated payment module on a pty, a tty or a TCP port, with a named scenario',
    load: () => import('./commands/simulate.js'),
  },
  export: {
    term: 'export [options]',
    summary: 'export failure records as CSV, NDJSON, JSON or an HTML report',
    load: () => import('./commands/export.js'),
  },
  fleet: {
    term: 'fleet',
    summary: "watch, collect or serve a fleet's MQTT topics (collector, web portal, alerts)",
    load: () => import('./commands/fleet.js'),
  },
} as const satisfies Record<string, CommandEntry>;

export type CommandName = keyof typeof COMMAND_LIST;

export function isCommandName(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMAND_LIST, name);
}
