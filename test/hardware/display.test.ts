import { PassThrough } from 'node:stream';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { layout } from '../../agent/guidance/layout.js';
import { silentLogger } from '../../agent/log.js';
import {
  ConsoleDisplay,
  createDisplay,
  LCD_INIT,
  LcdDisplay,
  lcdFrame,
  NoneDisplay,
  openLcdDisplay,
  toLcdBytes,
} from '../../hardware/display/index.js';
import type { Display, Screen } from '../../hardware/display/index.js';
import { lcdWidth } from '../../hardware/display/lcd-charset.js';
import type { SerialBinding } from '../../hardware/serial/index.js';
import { waitUntil } from '../helpers/wait.js';

/** A screen laid out for a display's text area with the agent's layout (CJK = 2 columns, pages). */
function layoutScreen(display: Pick<Display, 'textGeometry'>, title: string, text: string): Screen {
  return { title, pages: layout(text, display.textGeometry) };
}

const MockBinding = SerialPortMock.binding;
afterEach(() => {
  vi.useRealTimers();
  MockBinding.reset();
});

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return {
    out,
    get text() {
      return text;
    },
  };
}

describe('LCD byte protocol', () => {
  it('a 20×4 page is cursor-to-row + 20 characters for each row, at the documented DDRAM addresses', () => {
    const bytes = lcdFrame(['DECLINED 51', 'Insufficient funds', 'Ask for another', 'card'], 20);
    const expected = Buffer.concat([
      Buffer.from([0xfe, 0x80]),
      Buffer.from('DECLINED 51         '),
      Buffer.from([0xfe, 0xc0]),
      Buffer.from('Insufficient funds  '),
      Buffer.from([0xfe, 0x94]),
      Buffer.from('Ask for another     '),
      Buffer.from([0xfe, 0xd4]),
      Buffer.from('card                '),
    ]);
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
    expect(LCD_INIT.toString('hex')).toBe('fe01fe0c');
  });

  it('transliterates what the A00 ROM lacks; uses ROM codes for ä ö ü °; CJK becomes ?', () => {
    expect(toLcdBytes('Größe über', 10)).toEqual(
      Buffer.from([0x47, 0x72, 0xef, 0x73, 0x73, 0x65, 0x20, 0xf5, 0x62, 0x65]),
    );
    expect(toLcdBytes('Café déjà vu', 12).toString('latin1')).toBe('Cafe deja vu');
    expect(toLcdBytes('Отказ', 8).toString('latin1')).toBe('Otkaz   ');
    expect(toLcdBytes('余额不足', 6).toString('latin1')).toBe('????  ');
    expect(toLcdBytes('a\\b~c', 5).toString('latin1')).toBe('a/b-c');
    expect(toLcdBytes('x'.repeat(30), 20).length).toBe(20);
  });

  it('uses the look-alikes it shares with the printer: special spaces, soft hyphen, №, quotes, €', () => {
    expect(toLcdBytes('1\u00a02\u202f3 a\u00adb \u2116 7', 12).toString('latin1')).toBe('1 2 3 ab No.');
    expect(toLcdBytes('„x“ – 5 €…', 14).toString('latin1')).toBe('"x" - 5 EUR...');
  });

  it('lcdWidth counts exactly the bytes toLcdBytes writes for a text', () => {
    for (const text of [
      'Größe über',
      'Отказ Щука',
      '€ 5…',
      'e\u0301te\u0301',
      '余额',
      '№ 1\u00ad2',
      'a\\b~c',
    ]) {
      const bytes = toLcdBytes(text, 40);
      const used = 40 - (bytes.toString('latin1').match(/ *$/)?.[0].length ?? 0);
      expect(lcdWidth(text), text).toBe(used);
    }
  });

  it('LcdDisplay writes init then pages; the page indicator shows on the title row', () => {
    const writes: Buffer[] = [];
    const lcd = new LcdDisplay({
      geometry: { width: 16, height: 2 },
      pageMs: 0,
      write: (b) => writes.push(Buffer.from(b)),
    });
    lcd.init();
    lcd.show({ title: 'DECLINED', pages: [['Card expired'], ['Use another card']] });
    lcd.nextPage();
    expect(writes[0]).toEqual(LCD_INIT);
    expect(writes[1]).toEqual(lcdFrame(['DECLINED     1/2', 'Card expired'], 16));
    expect(writes[2]).toEqual(lcdFrame(['DECLINED     2/2', 'Use another card'], 16));
  });

  it('over a serial line (binding-mock): init on open, then the screen, byte for byte', async () => {
    MockBinding.createPort('/dev/lcd0', { record: true });
    const lcd = openLcdDisplay({
      path: '/dev/lcd0',
      logger: silentLogger(),
      pageMs: 0,
      binding: MockBinding as SerialBinding,
    });
    lcd.show({ title: 'READY', pages: [['Insert card']] });
    const want = Buffer.concat([LCD_INIT, lcdFrame(['READY', 'Insert card', '', ''], 20)]);
    await waitUntil(
      () => recorded('/dev/lcd0').length >= want.length,
      3000,
      () => `${want.length} bytes on the wire, got ${recorded('/dev/lcd0').length}`,
    );
    expect(recorded('/dev/lcd0').toString('hex')).toBe(want.toString('hex'));
    await lcd.close();
  });
});

/** Bytes the mock binding recorded for a path (record: true). */
function recorded(path: string): Buffer {
  const port = lastOpened.get(path);
  return port ? port.recording : Buffer.alloc(0);
}
const lastOpened = new Map<string, { recording: Buffer }>();
const realOpen = MockBinding.open.bind(MockBinding);
MockBinding.open = (async (opts: Parameters<typeof MockBinding.open>[0]) => {
  const p = await realOpen(opts);
  lastOpened.set(opts.path, p);
  return p;
}) as typeof MockBinding.open;

describe('console display', () => {
  it('plain lines when not a TTY', () => {
    const c = capture();
    const d = new ConsoleDisplay({ geometry: { width: 20, height: 4 }, pageMs: 0, out: c.out, tty: false });
    d.show({ title: 'DECLINED 51', pages: [['Insufficient funds', 'Ask for another'], ['card']] });
    expect(c.text).toBe('[DECLINED 51] Insufficient funds | Ask for another (1/2)\n');
  });

  it('a boxed screen on a TTY, CJK counted as two columns', () => {
    const c = capture();
    const d = new ConsoleDisplay({ geometry: { width: 16, height: 3 }, pageMs: 0, out: c.out, tty: true });
    const rows = d.rows({ title: '拒绝', pages: [['余额不足', 'abc']] }, 0);
    expect(rows).toEqual(['拒绝            ', '余额不足        ', 'abc             ']);
    d.show({ title: '拒绝', pages: [['余额不足']] });
    expect(c.text).toContain('┌────────────────┐');
    expect(c.text).toContain('│余额不足        │');
  });

  it('pages auto-advance on the timer and wrap around', () => {
    vi.useFakeTimers();
    const d = new NoneDisplay({ geometry: { width: 20, height: 4 }, pageMs: 1000 });
    d.show({ title: 't', pages: [['a'], ['b'], ['c']] });
    expect(d.current?.page).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(d.current?.page).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(d.current?.page).toBe(0);
    d.nextPage();
    expect(d.current?.page).toBe(1);
  });

  it('layoutScreen pages text for the text area (title row excluded)', () => {
    const d = new NoneDisplay({ geometry: { width: 16, height: 3 }, pageMs: 0 });
    const s = layoutScreen(d, 'DECLINED', 'Insufficient funds. Ask the customer for another card.');
    expect(s.pages.every((p) => p.length <= 2 && p.every((l) => l.length <= 16))).toBe(true);
    expect(s.pages.length).toBeGreaterThan(1);
  });

  it('createDisplay validates its spec', () => {
    expect(() => createDisplay({ spec: 'hologram', logger: silentLogger() })).toThrowError(
      expect.objectContaining({ code: 'E_DISPLAY_CONFIG' }),
    );
    expect(createDisplay({ spec: 'none', logger: silentLogger() }).kind).toBe('none');
    expect(() => new NoneDisplay({ geometry: { width: 4, height: 1 } })).toThrowError(
      expect.objectContaining({ code: 'E_DISPLAY_GEOMETRY' }),
    );
  });
});
