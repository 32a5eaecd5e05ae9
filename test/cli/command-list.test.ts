/**
 * `pos-agent --help` lists the commands from agent/cli/command-list.ts without loading them: each
 * line there must be what commander prints for the real command, or the help would drift from
 * the commands it lists.
 */
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_LIST } from '../../agent/cli/command-list.js';
import { argvToParse, baseProgram, buildProgram } from '../../agent/cli/program.js';

describe('command list', () => {
  it.each(Object.entries(COMMAND_LIST))(
    '%s: its term and summary are the real command’s',
    async (name, entry) => {
      const program = new Command();
      (await entry.load()).register(program);
      const cmd = program.commands.find((c) => c.name() === name);
      expect(cmd).toBeDefined();
      expect(new Help().subcommandTerm(cmd!)).toBe(entry.term);
      expect(cmd!.description()).toBe(entry.summary);
    },
  );

  it('the top-level help from the list is the help with every command loaded', async () => {
    const listed = await buildProgram(['node', 'pos-agent', '--help']);
    const loaded = baseProgram();
    for (const entry of Object.values(COMMAND_LIST)) (await entry.load()).register(loaded);
    expect(listed.helpInformation()).toBe(loaded.helpInformation());
    expect(listed.helpInformation()).toContain('explain [options] <code>');
  });

  it('help of a name that is no command is the unknown-command error (exit 2), not silence', async () => {
    const argv = argvToParse(['node', 'pos-agent', 'help', 'explan']);
    expect(argv).toEqual(['node', 'pos-agent', 'explan']);
    expect(argvToParse(['node', 'pos-agent', 'help', 'explain'])).toEqual([
      'node',
      'pos-agent',
      'help',
      'explain',
    ]);
    expect(argvToParse(['node', 'pos-agent', 'help'])).toEqual(['node', 'pos-agent', 'help']);
    const program = await buildProgram(argv);
    let err = '';
    program.exitOverride().configureOutput({ writeErr: (t) => void (err += t), writeOut: () => undefined });
    await expect(program.parseAsync(argv)).rejects.toMatchObject({ code: 'commander.unknownCommand' });
    expect(err).toContain("unknown command 'explan'");
    expect(err).toContain('Did you mean explain?');
  });
});
