import type { Command } from 'commander';

// Placeholder while the command is being built; replaced by its owner.
export function register(program: Command): void {
  program
    .command('explain')
    .description('(not implemented yet)')
    .action(() => {
      process.stderr.write('pos-agent explain: not implemented yet\n');
      process.exitCode = 1;
    });
}
