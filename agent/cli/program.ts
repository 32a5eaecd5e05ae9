/**
 * The `pos-agent` program: its name, version and output settings, and the commands a call needs
 * (agent/cli/command-list.ts). Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.
 */
import { Command, Help } from 'commander';
import { scrubCardData } from '../../protocol/card/card-data.js';
import { agentVersion } from '../package.js';
import { COMMAND_LIST, isCommandName } from './command-list.js';

/** The program with no commands. */
export function baseProgram(): Command {
  return (
    new Command()
      .name('pos-agent')
      .description('Transaction-failure agent for card-payment terminals')
      .version(agentVersion())
      .showHelpAfterError()
      .exitOverride()
      // commander prints its own usage errors, quoting the argument it refused (`argument
      // '4111…' is invalid`): they pass the same card-data scrubber as every other error line
      // (a PAN masked, the rest of a track removed); the subcommands inherit this configuration
      .configureOutput({ outputError: (text, write) => write(scrubCardData(text)) })
  );
}

/**
 * The arguments to parse: `help <name>` of a name that is no command reads as `<name>`, so it gets
 * commander's "unknown command" error (with a suggestion) and exit code 2, as `pos-agent <name>`
 * does; commander's own help command printed nothing for it.
 */
export function argvToParse(argv: readonly string[]): string[] {
  const [wanted, next] = [argv[2], argv[3]];
  if (wanted === 'help' && next !== undefined && !next.startsWith('-') && !isCommandName(next))
    return [argv[0] ?? 'node', argv[1] ?? 'pos-agent', next];
  return [...argv];
}

/**
 * The program with the commands a call needs: `--version` none, a known command only itself, `help
 * <command>` that command; the top-level help, an unknown command and the rest get each command's
 * help line from COMMAND_LIST without its code (a command so listed is never run: a known name
 * loads the real one).
 */
export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = baseProgram();
  const [wanted, next] = [argv[2], argv[3]];
  if (wanted === '--version' || wanted === '-V') return program;
  const one = isCommandName(wanted) ? wanted : wanted === 'help' && isCommandName(next) ? next : undefined;
  if (one !== undefined) {
    (await COMMAND_LIST[one].load()).register(program);
    return program;
  }
  for (const [name, entry] of Object.entries(COMMAND_LIST)) program.command(name).description(entry.summary);
  const plain = new Help();
  program.configureHelp({
    subcommandTerm: (cmd) => {
      const name = cmd.name();
      return isCommandName(name) ? COMMAND_LIST[name].term : plain.subcommandTerm(cmd);
    },
  });
  return program;
}
