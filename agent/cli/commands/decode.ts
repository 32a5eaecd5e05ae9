import type { Command } from 'commander';
import { decodeStream, resolveDialect } from '../../decode/decode-stream.js';
import { DIALECT_NAMES } from '../../../protocol/iso8583/dialects.js';
import { COMMAND_LIST } from '../command-list.js';

export function register(program: Command): void {
  program
    .command('decode')
    .description(COMMAND_LIST.decode.summary)
    .option('--dialect <name|file>', `${DIALECT_NAMES.join(', ')}, or a dialect JSON file`, 'ascii')
    .option('--hex', 'one hex-encoded message per line (default: binary stream with 2-byte length prefixes)')
    .option('--length-prefix', 'with --hex: each line starts with a 2-byte big-endian length')
    .option('--tpdu', 'a 5-byte TPDU precedes each message (after the length prefix)')
    .option(
      '--explain',
      'a table per message: each field and subfield with offset, length, prefix and encoding (card data masked)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 all messages decoded, 2 bad usage or at least one bad message.\n' +
        'Example: echo 30323130... | pos-agent decode --hex\n' +
        '         pos-agent decode --hex --dialect base1 --explain < trace.hex',
    )
    .action(
      async (opts: {
        dialect: string;
        hex?: boolean;
        lengthPrefix?: boolean;
        tpdu?: boolean;
        explain?: boolean;
      }) => {
        const dialect = resolveDialect(opts.dialect);
        const summary = await decodeStream(process.stdin, process.stdout, {
          dialect,
          hex: opts.hex === true,
          lengthPrefix: opts.lengthPrefix === true,
          tpdu: opts.tpdu === true,
          explain: opts.explain === true,
        });
        if (summary.bad > 0) process.exitCode = 2;
      },
    );
}
