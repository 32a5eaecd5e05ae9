/**
 * The receipt printer: ESC/POS bytes for every language's code page, decoded back to the lines
 * they were made from; the file and TCP (port 9100 style) targets; the target syntax.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { issuerScript, LANGS } from '../../agent/guidance/index.js';
import { decodeEscPos, escPosLines } from '../../hardware/printer/decode.js';
import {
  codePageFor,
  encodeSlip,
  openPrinter,
  parsePrinterTarget,
  PrinterError,
} from '../../hardware/printer/index.js';
import { findPans } from '../../protocol/card/pan.js';
import { saleRecord } from '../helpers/sale.js';
import { tempDir } from '../helpers/tmp.js';

const rec = saleRecord({ entry_mode: '051', rc: '01' });
const term = { merchantName: 'KAHVILA AURORA', timezone: 'Europe/Helsinki', acquirer: 'NORDIC ACQ' };

describe('ESC/POS slip', () => {
  it('holds the script in every language at 32, 42 and 48 columns, decoded back line for line', () => {
    for (const lang of LANGS) {
      for (const columns of [32, 42, 48]) {
        const lines = issuerScript(rec, term, lang, { columns });
        const bytes = encodeSlip(lines, { columns, lang });
        const [slip, ...more] = decodeEscPos(bytes);
        expect(more).toEqual([]);
        expect(slip?.lines, `${lang} ${columns}`).toEqual(lines);
        expect(slip?.cut).toBe(true);
        expect(slip?.codePage).toBe(codePageFor(lang));
        expect(findPans(Buffer.from(bytes).toString('latin1'))).toEqual([]);
      }
    }
  });

  it('picks CP858 (with the euro), CP866 for Russian and GB18030 double-byte for Chinese', () => {
    expect(codePageFor('de')).toBe('cp858');
    expect(codePageFor('fi')).toBe('cp858');
    expect(codePageFor('ru')).toBe('cp866');
    expect(codePageFor('zh')).toBe('gb18030');
    const de = encodeSlip(['Betrag: 12,50 €', 'Händler ÄÖÜß'], { columns: 32, lang: 'de' });
    expect([...de.subarray(0, 5)]).toEqual([0x1b, 0x40, 0x1b, 0x74, 19]); // ESC @, ESC t 19
    expect(de.includes(0xd5)).toBe(true); // € in PC858
    expect(escPosLines(de)).toEqual(['Betrag: 12,50 €', 'Händler ÄÖÜß']);
    const ru = encodeSlip(['Сумма: Ёё'], { columns: 32, lang: 'ru' });
    expect([...ru.subarray(2, 5)]).toEqual([0x1b, 0x74, 17]); // ESC t 17
    expect(escPosLines(ru)).toEqual(['Сумма: Ёё']);
    const zh = encodeSlip(['金额：EUR 12.50'], { columns: 32, lang: 'zh' });
    expect([...zh.subarray(2, 4)]).toEqual([0x1c, 0x26]); // FS &
    expect([...zh.subarray(4, 6)]).toEqual([0xbd, 0xf0]); // 金 in GB18030
    expect(escPosLines(zh)).toEqual(['金额：EUR 12.50']);
  });

  it('prints plain look-alikes for what a page lacks, and never a control byte from the text', () => {
    expect(escPosLines(encodeSlip(['l’heure – 5 €…'], { columns: 32, lang: 'ru' }))).toEqual([
      "l'heure - 5 EUR...",
    ]);
    expect(escPosLines(encodeSlip(['cœur ✓'], { columns: 32, lang: 'fr' }))).toEqual(['coeur ?']);
    const bytes = encodeSlip(['a\x1bb\x1dc\x00d'], { columns: 32, lang: 'en' });
    expect(escPosLines(bytes)).toEqual(['abcd']);
  });

  it('refuses a line wider than the paper, a line break inside a line, and bad column counts', () => {
    expect(() => encodeSlip(['x'.repeat(33)], { columns: 32, lang: 'en' })).toThrow(/33 columns wide/);
    expect(() => encodeSlip(['金'.repeat(17)], { columns: 32, lang: 'zh' })).toThrow(PrinterError);
    expect(() => encodeSlip(['a\nb'], { columns: 32, lang: 'en' })).toThrow(/line break/);
    expect(() => encodeSlip([], { columns: 8, lang: 'en' })).toThrow(/columns/);
    // only the paper widths of PRINTER_COLUMNS, as the config and `script --columns` take them
    for (const columns of [16, 40, 64, 32.5]) {
      expect(() => encodeSlip([], { columns, lang: 'en' }), String(columns)).toThrow(/must be 32, 42, 48/);
    }
  });

  it('the decoder refuses unknown commands instead of printing them', () => {
    expect(() => decodeEscPos(Buffer.from([0x1b, 0x40, 0x1b, 0x21, 0x08]))).toThrow(/ESC 0x21/);
    expect(() => decodeEscPos(Buffer.from([0x1b, 0x40, 0x07]))).toThrow(/control byte/);
  });
});

describe('printer targets', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  it('parses tcp://, serial: and file targets', () => {
    expect(parsePrinterTarget('tcp://10.0.0.5')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 9100 });
    expect(parsePrinterTarget('tcp://printer.local:9101')).toEqual({
      kind: 'tcp',
      host: 'printer.local',
      port: 9101,
    });
    expect(parsePrinterTarget('serial:/dev/ttyUSB0')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      baudRate: 9600,
    });
    expect(parsePrinterTarget('serial:/dev/ttyS1@19200')).toEqual({
      kind: 'serial',
      path: '/dev/ttyS1',
      baudRate: 19200,
    });
    expect(parsePrinterTarget('/dev/usb/lp0')).toEqual({ kind: 'file', path: '/dev/usb/lp0' });
    expect(() => parsePrinterTarget('tcp://')).toThrow(PrinterError);
    expect(() => parsePrinterTarget('serial:/dev/x@12')).toThrow(/baud/);
    expect(() => parsePrinterTarget('  ')).toThrow(/empty/);
  });

  it('a file collects slip after slip, like a paper roll', async () => {
    const file = join(tempDir('printer-'), 'slips.bin');
    const p = await openPrinter(file, { columns: 32, lang: 'fi' });
    await p.print(['Kortti: 476173******0119', 'Summa: EUR 12,50']);
    await p.print(['Toinen kuitti']);
    await p.close();
    await p.close(); // twice is fine
    await expect(p.print(['x'])).rejects.toThrow(/closed/);
    const slips = decodeEscPos(readFileSync(file));
    expect(slips.map((s) => s.lines)).toEqual([
      ['Kortti: 476173******0119', 'Summa: EUR 12,50'],
      ['Toinen kuitti'],
    ]);
  });

  it('sends the slip to a TCP printer (raw port 9100 style)', async () => {
    const chunks: Buffer[] = [];
    let ended!: () => void;
    const received = new Promise<void>((r) => (ended = r));
    const server = createServer((sock) => {
      sock.on('data', (d) => chunks.push(d));
      sock.on('end', () => {
        sock.end();
        ended();
      });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const lines = issuerScript(rec, term, 'zh', { columns: 48 });
    const p = await openPrinter(`tcp://127.0.0.1:${port}`, { columns: 48, lang: 'zh' });
    await p.print(lines);
    await p.close();
    await received;
    const bytes = Buffer.concat(chunks);
    expect(escPosLines(bytes)).toEqual(lines);
    expect(findPans(bytes.toString('latin1'))).toEqual([]);
  });

  it('a printer that cannot be reached is E_PRINTER (exit 1), a bad width E_USAGE (exit 2)', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r)); // nothing listens there now
    const err = await openPrinter(`tcp://127.0.0.1:${port}`, { columns: 32, lang: 'en' }).catch((e) => e);
    expect(err).toBeInstanceOf(PrinterError);
    expect(err.code).toBe('E_PRINTER');
    expect(err.exitCode).toBe(1);
    const dir = tempDir('printer-');
    const missing = await openPrinter(join(dir, 'no', 'such', 'dir'), { columns: 32, lang: 'en' }).catch(
      (e) => e,
    );
    expect(missing.code).toBe('E_PRINTER');
    const bad = await openPrinter(join(dir, 'x.bin'), { columns: 10, lang: 'en' }).catch((e) => e);
    expect(bad.code).toBe('E_USAGE');
    expect(bad.exitCode).toBe(2);
  });
});
