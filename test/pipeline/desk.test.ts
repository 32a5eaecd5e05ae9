/**
 * The cashier drives the screen (issue 11, item 2): a failure prompt stays until a key or the next
 * sale, never replaced by the next response; each keypad key (`EVT KEY name=...` on the line) does
 * what docs/serial.md says; PRINT hands the sale's contact-issuer script to the printer.
 */
import { describe, expect, it } from 'vitest';
import { testPipeline } from '../helpers/pipeline.js';
import { captureLogger } from '../helpers/log.js';
import type { Screen } from '../../hardware/display/types.js';
import { findPans } from '../../protocol/card/pan.js';
import { createFramer, encodeEventLine, encodeMessageLine } from '../../protocol/framing/index.js';
import { DIALECTS, encodeMessage } from '../../protocol/iso8583/index.js';
import type { BeepPattern, SlipPrinter } from '../../agent/pipeline/desk.js';

const PAN = '4761739001010119';

function rsp(rc: string, stan: string): Buffer {
  return encodeMessageLine(
    'RSP',
    encodeMessage(DIALECTS.ascii, {
      mti: '0210',
      fields: {
        2: PAN,
        3: '000000',
        4: '000000004250',
        11: stan,
        37: `6073120${stan.slice(1)}`,
        39: rc,
        49: '978',
      },
    }),
  );
}
function req(stan: string): Buffer {
  return encodeMessageLine(
    'REQ',
    encodeMessage(DIALECTS.ascii, {
      mti: '0200',
      fields: { 2: PAN, 3: '000000', 4: '000000004250', 11: stan, 22: '071', 49: '978' },
    }),
  );
}
const key = (name: string): Buffer => encodeEventLine('KEY', { name });

function harness(printer: SlipPrinter | null = null) {
  const shown: Screen[] = [];
  const beeps: BeepPattern[] = [];
  let page = 0;
  const { lines, logger } = captureLogger();
  const pipeline = testPipeline({
    display: {
      show: (s) => {
        shown.push(s);
        page = 0;
      },
      nextPage: () => {
        page = (page + 1) % Math.max(1, shown.at(-1)!.pages.length);
      },
      previousPage: () => {
        const n = Math.max(1, shown.at(-1)!.pages.length);
        page = (page + n - 1) % n;
      },
      beep: (p) => beeps.push(p),
    },
    terminal: { merchantName: 'CAFE AURORA', timezone: 'Europe/Berlin' },
    printer,
    logger,
  });
  const framer = createFramer({ framing: 'line' }, (e) => pipeline.onLinkEvent(e));
  return {
    pipeline,
    shown,
    beeps,
    lines,
    page: () => page,
    top: () => shown.at(-1)!,
    push: (...bufs: Buffer[]) => {
      for (const b of bufs) framer.push(b);
    },
  };
}

describe('the cashier drives the screen', () => {
  it('a failure stays up when the next response is an approval; the next sale (request) frees the screen', () => {
    const h = harness();
    h.push(req('000001'), rsp('51', '000001'));
    const failure = h.top();
    expect(failure.code).toBe('51');
    h.push(rsp('00', '000002')); // an approval without a new sale: the failure stays
    expect(h.top()).toBe(failure);
    expect(h.pipeline.counters.approvals).toBe(1);
    h.push(req('000003')); // the next sale starts
    expect(h.top()).not.toBe(failure);
    h.push(rsp('00', '000003'));
    expect(h.top().code).toBe('');
  });

  it('a card presented is a new sale too', () => {
    const h = harness();
    h.push(req('000001'), rsp('05', '000001'));
    expect(h.top().code).toBe('05');
    h.push(encodeEventLine('CARD_TAPPED'));
    expect(h.pipeline.desk.current).toBe('ready');
  });

  it('OK dismisses the failure', () => {
    const h = harness();
    h.push(req('000001'), rsp('51', '000001'), key('OK'));
    expect(h.pipeline.desk.current).toBe('ready');
    expect(h.top().code).toBeUndefined(); // the idle screen
    expect(h.top().title).toBe('WELCOME');
  });

  it('INFO opens the detail pages, with the contact-issuer script of this sale at the end; INFO again goes back', () => {
    const h = harness();
    h.push(req('000001'), rsp('51', '000001'));
    const glance = h.top();
    h.push(key('INFO'));
    const detail = h.top();
    expect(h.pipeline.desk.current).toBe('detail');
    expect(detail).not.toBe(glance);
    expect(detail.pages.length).toBeGreaterThan(glance.pages.length);
    const text = detail.pages.flat().join(' ');
    expect(text).toMatch(/000001/); // the STAN of the real sale, from the script
    expect(text).toContain('476173');
    expect(findPans(text)).toEqual([]);
    h.push(key('INFO'));
    expect(h.top()).toBe(glance);
  });

  it('DOWN and UP page through the detail pages (and do nothing on the glance page)', () => {
    const h = harness();
    h.push(req('000001'), rsp('51', '000001'));
    h.push(key('DOWN'));
    expect(h.page()).toBe(0);
    h.push(key('INFO'), key('DOWN'), key('DOWN'));
    expect(h.page()).toBe(2);
    h.push(key('UP'));
    expect(h.page()).toBe(1);
  });

  it('CANCEL goes back from the detail to the glance page, then dismisses', () => {
    const h = harness();
    h.push(req('000001'), rsp('51', '000001'));
    const glance = h.top();
    h.push(key('INFO'), key('CANCEL'));
    expect(h.top()).toBe(glance);
    h.push(key('CANCEL'));
    expect(h.pipeline.desk.current).toBe('ready');
  });

  it('PRINT sends the script of the sale on the screen to the printer, no full PAN', async () => {
    const printed: string[][] = [];
    const h = harness({ columns: 32, print: async (l) => void printed.push(l) });
    h.push(req('000001'), rsp('51', '000001'), key('PRINT'));
    await new Promise((r) => setImmediate(r));
    expect(printed).toHaveLength(1);
    const slip = printed[0]!.join('\n');
    expect(slip).toContain('000001');
    expect(slip).toContain('CAFE AURORA');
    expect(slip).not.toContain(PAN);
    expect(findPans(slip)).toEqual([]);
    expect(printed[0]!.every((l) => l.length <= 32)).toBe(true);
    expect(h.lines.some((l) => l.includes('"event":"slip_printed"'))).toBe(true);
  });

  it('PRINT without a printer or without a failure up is logged, nothing else happens', () => {
    const h = harness();
    h.push(req('000001'), rsp('51', '000001'), key('PRINT'));
    expect(h.lines.some((l) => l.includes('"event":"print_unavailable"'))).toBe(true);
    const printed: string[][] = [];
    const h2 = harness({ columns: 32, print: async (l) => void printed.push(l) });
    h2.push(key('PRINT'));
    expect(printed).toHaveLength(0);
    expect(h2.lines.some((l) => l.includes('"event":"print_nothing"'))).toBe(true);
  });

  it('an unknown key is logged and changes nothing', () => {
    const h = harness();
    h.push(req('000001'), rsp('51', '000001'));
    const before = h.shown.length;
    h.push(key('SELFDESTRUCT'));
    expect(h.shown.length).toBe(before);
    expect(h.lines.some((l) => l.includes('"event":"key_unknown"'))).toBe(true);
  });

  it('beeps: approved, declined, and do-not-retry for a card to stop retrying', () => {
    const h = harness();
    h.push(req('000001'), rsp('00', '000001'));
    h.push(req('000002'), rsp('51', '000002'));
    h.push(req('000003'), rsp('14', '000003')); // invalid card number: never retry this card
    expect(h.beeps).toEqual(['approved', 'declined', 'do_not_retry']);
  });
});
