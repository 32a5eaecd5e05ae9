/**
 * Issue 11, what the fresh-clone review found: a merchant's texts and config values are shown,
 * printed and written to terminals, so they may hold no card number and no control characters
 * and are bounded; PRINT and INFO use the merchant's texts; a FIFO is no printer; a local fault's
 * script does not say "declined"; keys typed together are all taken.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCatalog, issuerScript, parseOverrides } from '../agent/guidance/index.js';
import { validateConfig } from '../agent/config/index.js';
import { keyPieces, keyOf } from '../agent/run/keyboard.js';
import { ScreenBook } from '../agent/pipeline/screens.js';
import { openPrinter } from '../hardware/printer/index.js';
import { lookupCode } from '../protocol/response-codes/index.js';
import { saleRecord } from './helpers/sale.js';
import { testPipeline } from './helpers/pipeline.js';
import { tempDir } from './helpers/tmp.js';
import { createFramer, encodeEventLine, encodeMessageLine } from '../protocol/framing/index.js';
import { DIALECTS, encodeMessage } from '../protocol/iso8583/index.js';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  throw new Error('expected an error');
};

describe("a merchant's texts", () => {
  it.each([
    ['a card number', 'Say hi 4111111111111111', /card number or track data/],
    ['track data', 'x ;4111111111111111=2512101?', /card number or track data/],
    ['an escape sequence', 'clear \u001b[2J now', /control characters/],
    ['a bidi override', 'DECLINED\u202e15', /control characters/],
    ['a huge text', 'Wort '.repeat(20_000), /at most 1000 characters/],
  ])('holding %s are refused (E_CONFIG naming the key, not the text)', (_w, text, why) => {
    const m = message(() => parseOverrides({ en: { 'insufficient_funds.customer': text } }));
    expect(m).toMatch(/^E_CONFIG: /);
    expect(m).toMatch(why);
    expect(m).toContain('insufficient_funds.customer');
    expect(m).not.toContain('4111111111111111');
  });

  it('line breaks are fine', () => {
    expect(() => parseOverrides({ en: { 'insufficient_funds.customer': 'one\ntwo' } })).not.toThrow();
  });
});

describe('config values shown on slips and screens', () => {
  it.each(['terminal.merchant_name', 'terminal.acquirer'])('%s with an escape sequence: E_CONFIG', (key) => {
    const [sec, k] = key.split('.') as [string, string];
    const m = message(() => validateConfig({ [sec]: { [k]: 'SHOP \u001b[2J\u0007' } }));
    expect(m).toMatch(new RegExp(`^E_CONFIG: config ${key.replace('.', '\\.')}`));
    expect(m).toMatch(/control characters/);
  });
});

describe('the slip and the INFO script use the merchant texts', () => {
  it('PRINT prints the overridden script title and labels', async () => {
    const catalog = createCatalog({
      overrides: { en: { 'script.title': 'CALL THE BANK NOW', 'label.merchant': 'Shop' } },
    });
    const printed: string[][] = [];
    const p = testPipeline({
      screens: new ScreenBook(catalog, { width: 20, height: 4 }),
      printer: { columns: 32, print: async (l) => void printed.push(l) },
      terminal: { merchantName: 'CAFE', acquirer: 'ACQ BANK' },
    });
    const f = createFramer({ framing: 'line' }, (e) => p.onLinkEvent(e));
    const fields = {
      2: '4761739001010119',
      3: '000000',
      4: '000000001000',
      11: '000123',
      39: '51',
      49: '978',
    };
    f.push(encodeMessageLine('RSP', encodeMessage(DIALECTS.ascii, { mti: '0210', fields })));
    f.push(encodeEventLine('KEY', { name: 'PRINT' }));
    await new Promise((r) => setImmediate(r));
    const slip = printed[0]!.join('\n');
    expect(slip).toContain('CALL THE BANK NOW');
    expect(slip).toMatch(/^Shop:/m);
    expect(slip).toContain('ACQ BANK');
  });
});

describe('a FIFO is no printer', () => {
  it('is refused with E_PRINTER at once, not a hang', async () => {
    const fifo = join(tempDir('fifo-printer-'), 'p');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    await expect(openPrinter(fifo, { columns: 32, lang: 'en' })).rejects.toMatchObject({ code: 'E_PRINTER' });
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});

describe("a local fault's script", () => {
  it.each(['L_PIN_CANCEL', 'L_CARD_READ', 'L_TIMEOUT'])(
    '%s asks whether it reached the issuer, never why it was declined',
    (rc) => {
      const text = issuerScript(saleRecord({ rc, rc_source: 'local' }), { merchantName: 'X' }, 'en', {
        columns: 32,
        row: lookupCode(rc),
      }).join(' ');
      expect(text).toMatch(/technical error/);
      expect(text).not.toMatch(/was declined/);
    },
  );
});

describe('keys typed together', () => {
  it('are all taken: arrows, letters, Enter, in one chunk', () => {
    expect(keyPieces('\u001b[B\u001b[Bi\r').map(keyOf)).toEqual(['DOWN', 'DOWN', 'INFO', 'OK']);
    expect(keyPieces('\u001b').map(keyOf)).toEqual(['CANCEL']);
    expect(keyPieces('pq\u0003').map(keyOf)).toEqual(['PRINT', null, 'stop']);
  });
});
