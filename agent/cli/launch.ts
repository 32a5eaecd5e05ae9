#!/usr/bin/env node
/**
 * The package's bin (bundled to dist/bin/pos-agent.js): it loads the one file a command needs.
 *
 * A command that loads no part of itself lazily (WHOLE_FILE_COMMANDS) is bundled whole, with the
 * command line around it, into one file of its own: dist/bin/chunks/whole-<name>.js. Node's ES
 * module loader costs about 0.7 ms for each file it reads and links. In the split bundle, `explain`
 * read 21 files, which made it 1.52-1.57x of `node -e 0` against a goal of 1.5x (docs/startup.md).
 *
 * Any other command, the help and `--version` go through the split bundle (./main.js and its
 * chunks), where `run` loads the MQTT sync, the broker and the printer only when the config asks for
 * them.
 *
 * No import of ours here but the list: each would be one more file for every start.
 */
import { WHOLE_FILE_COMMANDS } from './whole-file-commands.js';

const name = process.argv[2];
if (name !== undefined && (WHOLE_FILE_COMMANDS as readonly string[]).includes(name)) {
  // relative to the bundled file, dist/bin/pos-agent.js; the name is one of the list, never the
  // user's text as such
  await import(new URL(`./chunks/whole-${name}.js`, import.meta.url).href);
} else {
  await import('./main.js');
}
