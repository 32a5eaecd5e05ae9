/**
 * The `pos-agent` command line: builds the program (agent/cli/program.ts; each subcommand lives in
 * agent/cli/commands/<name>.ts), runs it, and turns what it throws into an exit code and one line.
 */
import { CommanderError } from 'commander';
import { scrubCardData } from '../../protocol/card/card-data.js';
import { guardStdout, isClosedPipe, PRINTS_ONCE } from './stdout.js';
import { argvToParse, buildProgram } from './program.js';

async function main(): Promise<void> {
  // a reader that goes away (`| head -1`) ends the command quietly (agent/cli/stdout.ts); a
  // command that prints once with writeOut handles that itself and never opens the stream
  if (!PRINTS_ONCE.has(process.argv[2] ?? '')) guardStdout();
  const argv = argvToParse(process.argv);
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every other commander error is bad usage
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isClosedPipe(err)) return; // the reader went away: not an error
    const e = err as { code?: string; message?: string; exitCode?: number };
    // the last line of defence for card data in error text (an argument or input echoed back):
    // a PAN masked, the rest of a track or a security code removed
    process.stderr.write(
      scrubCardData(`pos-agent: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}\n`),
    );
    process.exitCode = typeof e.exitCode === 'number' ? e.exitCode : 1;
  }
}

await main();
