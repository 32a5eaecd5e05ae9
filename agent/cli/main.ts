#!/usr/bin/env node
/**
 * The `pos-agent` command line. Each subcommand lives in agent/cli/commands/<name>.ts and registers
 * itself on the commander program. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { register as registerDecode } from './commands/decode.js';
import { register as registerExplain } from './commands/explain.js';
import { register as registerRun } from './commands/run.js';
import { register as registerSimulate } from './commands/simulate.js';
import { register as registerExport } from './commands/export.js';
import { register as registerFleet } from './commands/fleet.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('pos-agent')
    .description('Transaction-failure agent for card-payment terminals')
    .version(version())
    .showHelpAfterError()
    .exitOverride();
  registerRun(program);
  registerDecode(program);
  registerExplain(program);
  registerSimulate(program);
  registerExport(program);
  registerFleet(program);
  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every other commander error is bad usage
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const e = err as { code?: string; message?: string; exitCode?: number };
    process.stderr.write(`pos-agent: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}\n`);
    process.exitCode = typeof e.exitCode === 'number' ? e.exitCode : 1;
  }
}

await main();
