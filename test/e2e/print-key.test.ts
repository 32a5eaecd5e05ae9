/**
 * Issue 11, "Done means": over a real pty pair, a decline and then `EVT KEY name=PRINT` from the
 * payment module make the running agent print an ESC/POS slip (here to a file, as a printer on a
 * file target gets it) that decodes back to the contact-issuer script of that very sale, with no
 * full PAN.
 */
import { closeSync, constants, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../hardware/printer/decode.js';
import { findPans } from '../../protocol/card/pan.js';
import { encodeEventLine, encodeMessageLine } from '../../protocol/framing/index.js';
import { DIALECTS, encodeMessage } from '../../protocol/iso8583/index.js';
import { exitWithin, logEvents, spawnCli, type CliProc } from '../helpers/cli.js';
import { createPtyPair, type PtyPair, requireSocat } from '../helpers/socat.js';
import { tempDir } from '../helpers/tmp.js';
import { waitUntil } from '../helpers/wait.js';

const HAVE_SOCAT = requireSocat();
const PAN = '4761739001010119';

let pair: PtyPair | null = null;
let agent: CliProc | null = null;
afterEach(async () => {
  if (agent) {
    agent.child.kill('SIGTERM');
    await exitWithin(agent, 10_000);
  }
  agent = null;
  await pair?.stop();
  pair = null;
});

describe.skipIf(!HAVE_SOCAT)('the PRINT key over a pty', () => {
  it('a decline, then EVT KEY name=PRINT: an ESC/POS slip with the script of that sale, no full PAN', async () => {
    const dir = tempDir('print-key-');
    pair = await createPtyPair(dir);
    const slipFile = join(dir, 'printer.bin');
    const config = join(dir, 'agent.json');
    writeFileSync(
      config,
      JSON.stringify({
        terminal: { id: 'TERM0042', merchant_name: 'CAFE AURORA', acquirer: 'DEMO ACQUIRING' },
        broker: { url: 'none' },
        display: { driver: 'none' },
        printer: { target: slipFile, columns: 32 },
        store: { path: join(dir, 'a.db') },
      }),
    );
    agent = spawnCli(['run', '--config', config, '--serial', pair.a]);
    await waitUntil(
      () => logEvents(agent!.stderr()).some((e) => e.event === 'link_state' && e.state === 'open'),
      20_000,
      'agent',
    );
    const fd = openSync(pair.b, constants.O_RDWR | constants.O_NOCTTY);
    const send = (b: Buffer) => {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off);
    };
    try {
      const fields = { 2: PAN, 3: '000000', 4: '000000004250', 11: '004211', 22: '071', 49: '978' };
      send(encodeMessageLine('REQ', encodeMessage(DIALECTS.ascii, { mti: '0200', fields })));
      send(
        encodeMessageLine(
          'RSP',
          encodeMessage(DIALECTS.ascii, { mti: '0210', fields: { ...fields, 37: '607312004211', 39: '51' } }),
        ),
      );
      send(encodeEventLine('KEY', { name: 'PRINT' }));
      await waitUntil(
        () => logEvents(agent!.stderr()).some((e) => e.event === 'slip_printed'),
        10_000,
        'slip printed',
      );
    } finally {
      closeSync(fd);
    }
    expect(existsSync(slipFile)).toBe(true);
    const bytes = readFileSync(slipFile);
    const slips = decodeEscPos(bytes);
    expect(slips).toHaveLength(1);
    const text = slips[0]!.lines.join('\n');
    expect(text).toContain('004211'); // the STAN of this sale
    expect(text).toContain('607312004211'); // its RRN
    expect(text).toContain('476173******0119');
    expect(text).toContain('CAFE AURORA');
    expect(text).toContain('TERM0042');
    expect(text).toMatch(/42[.,]50/);
    expect(slips[0]!.cut).toBe(true);
    expect(bytes.toString('latin1')).not.toContain(PAN);
    expect(findPans(text)).toEqual([]);
  }, 60_000);
});
