import fs from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { drawScreen, explain, register } from '../agent/cli/commands/explain.js';
import { PassThrough } from 'node:stream';
import { ConsoleDisplay } from '../hardware/display/console.js';
import { ScreenBook } from '../agent/pipeline/screens.js';
import { lookupCode } from '../protocol/response-codes/index.js';
import { createCatalog, GuidanceError } from '../agent/guidance/index.js';
import { findPans } from '../protocol/card/pan.js';
import { sensitiveHits } from './guidance/sensitive-words.js';
import { tempDir } from './helpers/tmp.js';

/** Lines of the boxed screens in the text output: "|...|". */
function screenLines(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('|') && l.endsWith('|'))
    .map((l) => l.slice(1, -1));
}

describe('pos-agent explain', () => {
  it('51 in German on 20x4: a German prompt that fits and says what to do', () => {
    const out = explain('51', { lang: 'de', width: '20', height: '4' });
    expect(out).toContain('category       insufficient_funds');
    expect(out).toContain('who acts       customer');
    expect(out).toContain('retry_later (after 1440 min)');
    const screen = screenLines(out);
    expect(screen.length % 4).toBe(0);
    for (const l of screen) expect(stringWidth(l)).toBe(20);
    // first the one-glance screen: status and code, reason, action; then the INFO pages
    expect(screen.slice(0, 4).map((l) => l.trimEnd())).toEqual([
      'ABGELEHNT 51',
      'Keine Deckung',
      'Andere Karte',
      '',
    ]);
    expect(screen.slice(4).join(' ')).toMatch(/Abgelehnt: keine/);
    expect(screen.slice(4).join(' ')).toMatch(/» Ihre Bank/);
    expect(out).toContain('EUR 42,50');
    expect(out).toContain('Kartenausgebende Bank anrufen');
    expect(findPans(out)).toEqual([]);
  });

  it('91 in Chinese: CJK screen counted by columns', () => {
    const out = explain('91', { lang: 'zh' });
    const screen = screenLines(out);
    for (const l of screen) expect(stringWidth(l)).toBe(20);
    expect(screen.join('')).toMatch(/发卡行/);
    expect(out).toContain('retry_now');
    expect(out).toContain('联系发卡行');
  });

  it('43 in French: generic to the customer, concrete for the cashier', () => {
    const out = explain('43', { lang: 'fr' });
    const customer = out.split('Tell the customer [fr]:\n')[1]?.split('\n')[0] ?? '';
    expect(customer.trim()).toBe("Le paiement a été refusé. Merci d'utiliser un autre moyen de paiement.");
    expect(sensitiveHits(customer)).toEqual([]);
    expect(screenLines(out).join(' ')).toMatch(/Ne pas/);
    expect(out).toContain('never_same_card');
    const script = out.split('Contact-issuer script')[1] ?? '';
    expect(sensitiveHits(script)).toEqual([]);
  });

  it('1A in Finnish: chip and PIN', () => {
    const out = explain('1A', { lang: 'fi' });
    expect(out).toContain('after_customer_action');
    expect(screenLines(out).join(' ').replace(/ +/g, ' ')).toMatch(/sirun ja PIN/);
    expect(out).toContain('EMV 0B ASETA KORTTI');
  });

  it('--json prints one JSON object', () => {
    const out = explain('116', { lang: 'ru', width: 16, height: 2, json: true });
    expect(out.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(out);
    expect(j).toMatchObject({
      code: '116',
      standard: '1993',
      category: 'insufficient_funds',
      lang: 'ru',
      known: true,
    });
    expect(j.display.pages.flat().every((l: string) => stringWidth(l) <= 16)).toBe(true);
    expect(j.display.pages).toEqual([['ОТКАЗ 116       ', 'Др. карта/меньше']]);
    expect(j.detail.pages.length).toBeGreaterThan(3);
    expect(j.detail.pages.flat().every((l: string) => stringWidth(l) === 16)).toBe(true);
    expect(j.issuerScript.columns).toBe(32);
    expect(j.guidance.cashier).toMatch(/недостаточно средств/);
    expect(j.issuerScriptDisplay.length).toBeGreaterThan(1);
  });

  it.each([
    ['51', 'en', 16, 2, null],
    ['1A', 'ru', 20, 4, null],
    ['96', 'de', 32, 8, 'frde'],
    ['L_TIMEOUT', 'zh', 20, 4, null],
    ['05', 'fi', 40, 4, 'enfi'],
  ] as const)(
    'shows what the display shows: %s [%s] on %ix%i (the agent screen, title row, pages)',
    (code, lang, width, height, cardLang) => {
      const geometry = { width, height };
      const j = JSON.parse(
        explain(code, { lang, width, height, json: true, ...(cardLang ? { cardLang } : {}) }),
      ) as { display: { title: string; pages: string[][] } };
      const screen = new ScreenBook(createCatalog(), geometry).failure(lookupCode(code), lang, false);
      const display = new ConsoleDisplay({ geometry, out: new PassThrough(), tty: false, pageMs: 0 });
      display.show(screen);
      const shown: string[][] = [];
      for (let i = 0; i < screen.pages.length; i++) {
        shown.push(display.rows(display.current!.screen, display.current!.page));
        display.nextPage();
      }
      void display.close();
      expect(j.display.title).toBe(screen.title);
      expect(j.display.pages).toEqual(shown);
      expect(shown[0]![0]!.startsWith(screen.title.slice(0, 8))).toBe(true); // the title row is there
    },
  );

  it('--card-lang picks the customer language from EMV 5F2D', () => {
    const j = JSON.parse(explain('51', { lang: 'en', cardLang: 'svde', json: true }));
    expect(j.customerLang).toBe('de');
    expect(j.guidance.customer).toMatch(/Ihre Bank/);
    expect(j.guidance.cashier).toMatch(/not enough funds/);
  });

  it('an unknown code gets the generic fallback, not an error', () => {
    const out = explain('Q7', {});
    expect(out).toContain('not in the table');
    expect(out).toContain('category       unknown');
  });

  it("--columns takes the printer's paper widths, as `script` and the printer do, and names them", () => {
    for (const columns of [32, 42, 48]) {
      const j = JSON.parse(explain('51', { columns: String(columns), json: true })) as {
        issuerScript: { columns: number; lines: string[] };
      };
      expect(j.issuerScript.columns).toBe(columns);
      expect(j.issuerScript.lines.every((l) => stringWidth(l) <= columns)).toBe(true);
      expect(j.issuerScript.lines.some((l) => stringWidth(l) > 32)).toBe(columns > 32);
    }
    expect(() => explain('51', { columns: '40' })).toThrow(
      `--columns must be a printer's paper width, 32, 42, 48, got "40"`,
    );
    // parsed as `script` parses it (parsePrinterColumns): the width as written, nothing else
    for (const bad of ['042', '32.0', '4.2e1'])
      expect(() => explain('51', { columns: bad }), bad).toThrow(/--columns/);
  });

  it('bad language or geometry → GuidanceError with exit code 2', () => {
    const cases: [Parameters<typeof explain>[1], string][] = [
      [{ lang: 'xx' }, 'E_LANG'],
      [{ width: 'abc' }, 'E_USAGE'],
      [{ width: '0' }, 'E_USAGE'],
      [{ width: '-20' }, 'E_USAGE'],
      [{ width: '20.5' }, 'E_USAGE'],
      [{ height: '0' }, 'E_USAGE'],
      [{ columns: '8' }, 'E_USAGE'],
      [{ columns: '40' }, 'E_USAGE'], // within 16-132, but no paper is 40 wide
      [{ columns: '16' }, 'E_USAGE'],
      [{ columns: '132' }, 'E_USAGE'],
    ];
    for (const [opts, code] of cases) {
      try {
        explain('51', opts);
        expect.unreachable(JSON.stringify(opts));
      } catch (e) {
        expect(e).toBeInstanceOf(GuidanceError);
        expect((e as GuidanceError).code).toBe(code);
        expect((e as GuidanceError).exitCode).toBe(2);
        expect((e as Error).message.length).toBeGreaterThan(10);
      }
    }
  });

  it('drawScreen pads CJK by columns', () => {
    expect(drawScreen(['中文', 'ab'], { width: 6, height: 3 })).toEqual([
      '+------+',
      '|中文  |',
      '|ab    |',
      '|      |',
      '+------+',
    ]);
  });
});

describe('explain registered on commander', () => {
  afterEach(() => vi.restoreAllMocks());

  it('parses options and writes to stdout', async () => {
    // explain prints with one write(2) to fd 1 (agent/cli/stdout.ts writeOut), not process.stdout
    const chunks: string[] = [];
    const write = (fd: number, buf: Buffer, off: number, len: number): number => {
      expect(fd).toBe(1);
      chunks.push(buf.toString('utf8', off, off + len));
      return len;
    };
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(write as unknown as typeof fs.writeSync);
    const program = new Command().exitOverride();
    register(program);
    await program.parseAsync([
      'node',
      'pos-agent',
      'explain',
      '51',
      '--lang',
      'de',
      '--width',
      '20',
      '--height',
      '4',
      '--json',
    ]);
    spy.mockRestore();
    const j = JSON.parse(chunks.join(''));
    expect(j).toMatchObject({ code: '51', lang: 'de', display: { width: 20, height: 4 } });
  });

  it('a bad width rejects with exit code 2', async () => {
    const program = new Command().exitOverride();
    register(program);
    await expect(
      program.parseAsync(['node', 'pos-agent', 'explain', '51', '--width', 'wide']),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
      exitCode: 2,
    });
  });
});

describe('explain refuses what is not a response code', () => {
  it.each(['4111111111111111', '5105 1051 0510 5100', '51;rm', 'ABCD'])(
    '%j: E_USAGE, nothing echoed',
    (code) => {
      let err: unknown;
      try {
        explain(code);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'E_USAGE' });
      expect((err as Error).message).not.toContain(code);
    },
  );
});

describe('explain --texts previews a merchant texts file', () => {
  const dir = tempDir('explain-texts-');
  const file = join(dir, 'texts.yaml');
  writeFileSync(
    file,
    'sv:\n  insufficient_funds.action: Annat kort\n  emv.07: NEKAD\nen:\n  insufficient_funds.action: Other card please\n',
  );

  it('an override shows on the glance page, as the agent with `texts:` would show it', () => {
    const j = JSON.parse(explain('51', { texts: file, width: 20, height: 4, json: true })) as {
      display: { pages: string[][] };
    };
    expect(j.display.pages[0]!.join('|')).toContain('Other card please');
  });

  it('a language the texts add can be previewed; what it does not say falls back to English', () => {
    const out = explain('51', { texts: file, lang: 'sv', width: 16, height: 2 });
    expect(out).toContain('|NEKAD 51        |');
    expect(out).toContain('|Annat kort      |');
    expect(() => explain('51', { lang: 'sv' })).toThrow(expect.objectContaining({ code: 'E_LANG' }));
    expect(() => explain('51', { texts: file, lang: 'xx' })).toThrow(
      /use one of: en, zh, de, fr, ru, fi, sv$/,
    );
  });

  it('a file that is not a texts file: E_CONFIG naming the file, not its content', () => {
    const bad = join(dir, 'env');
    writeFileSync(bad, 'DB_PASSWORD: hunter2\n');
    let err: unknown;
    try {
      explain('51', { texts: bad });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'E_CONFIG' });
    expect((err as Error).message).not.toMatch(/hunter2|DB_PASSWORD/);
    expect(() => explain('51', { texts: join(dir, 'missing.yaml') })).toThrow(/missing\.yaml/);
  });
});
