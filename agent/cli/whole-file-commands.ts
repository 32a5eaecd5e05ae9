/**
 * The commands bundled whole into one file each (agent/cli/launch.ts says why). scripts/bundle.ts
 * refuses to build when one of them loads a part lazily: a whole-file bundle would carry that part
 * in the file it reads at every start.
 */
export const WHOLE_FILE_COMMANDS = ['decode', 'explain', 'export', 'simulate'] as const;
