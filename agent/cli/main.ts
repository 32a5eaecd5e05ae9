#!/usr/bin/env node
/**
 * The `pos-agent` command line. Each subcommand lives in agent/cli/commands/<name>.ts and registers
 * itself on the commander program. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.
 */
import { Command, CommanderError } from 'commander';
import { scrubPans } from '../../protocol/card/pan.js';
import { guardStdout, isClosedPipe, PRINTS_ONCE } from './stdout.js';
import { agentVersion } from '../package.js';

/**
 * Command modules, loaded on demand: `pos-agent run` on a POS board should not carry the export,
 * fleet or PostgreSQL code in its resident memory. Help and unknown commands load them all.
 */
const COMMANDS: Record<string, () => Promise<{ register(program: Command): void }>> = {
  run: () => import('./commands/run.js'),
  decode: () => import('./commands/decode.js'),
  explain: () => import('./commands/explain.js'),
  script: () => import('./commands/script.js'),
  simulate: () => import('./commands/simulate.js'),
  export: () => import('./commands/export.js'),
  fleet: () => import('./commands/fleet.js'),
};

export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command();
  program
    .name('pos-agent')
    .description('Transaction-failure agent for card-payment terminals')
    .version(agentVersion())
    .showHelpAfterError()
    .exitOverride()
    // commander prints its own usage errors, quoting the argument it refused (`argument
    // '4111…' is invalid`): they pass the same PAN scrubber as every other error line; the
    // subcommands inherit this output configuration
    .configureOutput({ outputError: (text, write) => write(scrubPans(text)) });
  const wanted = argv[2];
  // `--version` needs no command; a known command needs only itself; help and the rest need all
  const names =
    wanted === '--version' || wanted === '-V'
      ? []
      : wanted !== undefined && Object.hasOwn(COMMANDS, wanted)
        ? [wanted]
        : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!()).register(program);
  return program;
}

async function main(): Promise<void> {
  // a reader that goes away (`| head -1`) ends the command quietly (agent/cli/stdout.ts); a
  // command that prints once with writeOut handles that itself and never opens the stream
  if (!PRINTS_ONCE.has(process.argv[2] ?? '')) guardStdout();
  const program = await buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every other commander error is bad usage
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isClosedPipe(err)) return; // the reader went away: not an error
    const e = err as { code?: string; message?: string; exitCode?: number };
    // the last line of defence for card data in error text (an argument or input echoed back)
    process.stderr.write(scrubPans(`pos-agent: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}\n`));
    process.exitCode = typeof e.exitCode === 'number' ? e.exitCode : 1;
  }
}

await main();
