/**
 * The layer rule of eslint.config.js: protocol/ loads nothing of ours outside it and no I/O module,
 * hardware/ nothing of ours but protocol/, whether by a static import, import(), require() or a
 * function from createRequire. Each snippet is linted as if it were a file of that layer.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/global-build.js';

const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages for `code` linted as the file `path` (relative to the repository). */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: `${ROOT}/${path}` });
  return r!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

const OURS = 'protocol/ imports nothing of ours outside protocol/';
const IO = 'protocol/ is pure: no I/O';
const HW = 'hardware/ uses protocol/ only; take a logger as a parameter';
const LITERAL = 'import() names its module with a plain string here, so the layer rule can check it';

describe('eslint: the layers', () => {
  it.each([
    ["import { createLogger } from '../../agent/log.js';", OURS],
    ["export { createLogger } from '../../agent/log.js';", OURS],
    ["export const m = () => import('../../agent/log.js');", OURS],
    ["export const m = () => import('../../hardware/printer/escpos.js');", OURS],
    ["export const m = () => import('node:fs');", IO],
    ["export const m = () => import('fs');", IO],
    ["export const m = () => import('node:fs/promises');", IO],
    ["declare const require: (m: string) => unknown;\nexport const m = require('net');", IO],
    ["export const m = process.getBuiltinModule('child_process');", IO],
    [
      "import { createRequire } from 'node:module';\nconst req = createRequire(import.meta.url);\nexport const m = req('../agent/log.js');",
      OURS,
    ],
    ['export const m = (p: string) => import(p);', LITERAL],
    ['export const m = () => import(`../../agent/log.js`);', LITERAL],
  ])('protocol/ refuses %s', async (code, message) => {
    const errors = await layerErrors('protocol/card/probe.ts', code);
    expect(errors).toHaveLength(1); // one report, not one per entry that matches
    expect(errors[0]).toContain(message);
  });

  it.each([
    "export const m = () => import('./pan.js');",
    "export const m = (s: string) => s.startsWith('fs') || s === 'net';",
    "import { createRequire } from 'node:module';\nexport const m = createRequire(import.meta.url)('zod');",
  ])('protocol/ allows %s', async (code) => {
    expect(await layerErrors('protocol/card/probe.ts', code)).toEqual([]);
  });

  it('hardware/ refuses agent/ by import(), and loads protocol/ and I/O modules', async () => {
    expect(
      await layerErrors('hardware/printer/probe.ts', "export const m = () => import('../../agent/log.js');"),
    ).toEqual([HW]);
    expect(
      await layerErrors(
        'hardware/printer/probe.ts',
        "export const m = () => Promise.all([import('../../protocol/card/pan.js'), import('node:net')]);",
      ),
    ).toEqual([]);
  });
});
