/**
 * A receipt printer to print slips on: ESC/POS bytes (escpos.ts) to a TCP printer (raw port
 * 9100), a serial device (serialport, loaded only when a serial printer is opened) or a file
 * (a capture to check with decode.ts, or a character device such as /dev/usb/lp0).
 *
 * Targets:
 *   tcp://HOST[:PORT]        raw TCP, port 9100 by default
 *   serial:PATH[@BAUD]       serial device, 9600 baud by default (e.g. serial:/dev/ttyUSB0@19200)
 *   anything else            a file path, appended to (a file collects slips like a paper roll)
 * One printer is opened, printed on any number of times, and closed; a slip is written whole
 * (print resolves when the bytes are handed to the OS or the socket).
 */
import { once } from 'node:events';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { checkColumns, encodeSlip, type SlipOptions } from './escpos.js';
import { PrinterError } from './errors.js';

export interface PrinterOptions {
  /** Characters per line: 32 (58 mm paper), 42 or 48 (80 mm). */
  columns: number;
  /** Cashier language: picks the code page. */
  lang: string;
  /** TCP: longest wait for the connection, ms (default 5000). */
  connectTimeoutMs?: number;
}

export interface Printer {
  print(lines: string[]): Promise<void>;
  close(): Promise<void>;
}

export type PrinterTarget =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'serial'; path: string; baudRate: number }
  | { kind: 'file'; path: string };

/** Parses a printer target; a bad one is PrinterError E_USAGE naming the reason. */
export function parsePrinterTarget(target: string): PrinterTarget {
  const t = target.trim();
  if (t === '')
    throw new PrinterError('E_USAGE', 'printer target is empty (tcp://HOST:9100, serial:PATH or a file)');
  if (/^tcp:/i.test(t)) {
    let u: URL;
    try {
      u = new URL(t);
    } catch {
      throw new PrinterError('E_USAGE', `printer target "${t}" is not a tcp://HOST[:PORT] address`);
    }
    if (u.hostname === '' || (u.pathname !== '' && u.pathname !== '/') || u.search !== '') {
      throw new PrinterError('E_USAGE', `printer target "${t}" is not a tcp://HOST[:PORT] address`);
    }
    return { kind: 'tcp', host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 9100 };
  }
  if (/^serial:/i.test(t)) {
    const m = /^serial:(.+?)(?:@(\d+))?$/i.exec(t);
    const baudRate = m?.[2] ? Number(m[2]) : 9600;
    if (!m?.[1] || baudRate < 1200 || baudRate > 4_000_000) {
      throw new PrinterError(
        'E_USAGE',
        `printer target "${t}" is not serial:PATH[@BAUD] (baud 1200-4000000)`,
      );
    }
    return { kind: 'serial', path: m[1], baudRate };
  }
  return { kind: 'file', path: t };
}

function describe(t: PrinterTarget): string {
  return t.kind === 'tcp' ? `tcp://${t.host}:${t.port}` : t.kind === 'serial' ? `serial:${t.path}` : t.path;
}

interface Sink {
  write(bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

async function tcpSink(host: string, port: number, timeoutMs: number): Promise<Sink> {
  const sock: Socket = connect({ host, port });
  sock.setNoDelay(true);
  let failure: Error | null = null;
  sock.on('error', (e) => {
    failure = e;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => sock.destroy(new Error(`no connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (err?: Error): void => {
      clearTimeout(timer);
      sock.off('connect', onConnect);
      sock.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onConnect = (): void => done();
    const onClose = (): void => done(failure ?? new Error('connection closed'));
    sock.once('connect', onConnect);
    sock.once('close', onClose);
  });
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        if (failure || sock.destroyed) {
          reject(failure ?? new Error('connection closed'));
          return;
        }
        sock.write(bytes, (err) => (err ? reject(err) : resolve()));
      }),
    close: async () => {
      if (sock.destroyed) return;
      const closed = once(sock, 'close').catch(() => undefined);
      sock.end();
      // a printer that never closes its side: give it a moment, then drop the socket
      const t = setTimeout(() => sock.destroy(), 2000);
      await closed;
      clearTimeout(t);
    },
  };
}

async function fileSink(path: string): Promise<Sink> {
  // a regular file (a paper roll kept as a file) or a character device (/dev/usb/lp0); a FIFO would
  // block the open until a reader comes, a directory cannot take bytes: both refused before opening
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null; // a new file
    throw e;
  });
  if (st && !st.isFile() && !st.isCharacterDevice())
    throw new Error(
      st.isFIFO() ? 'a FIFO, not a printer' : st.isDirectory() ? 'a directory' : 'not a printer device',
    );
  const fh: FileHandle = await open(path, 'a');
  return {
    write: async (bytes) => {
      await fh.write(bytes);
    },
    close: () => fh.close(),
  };
}

async function serialSink(path: string, baudRate: number): Promise<Sink> {
  // loaded here: the agent without a serial printer never loads serialport for it
  const { SerialPort } = await import('serialport/dist/serialport.js');
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  port.on('error', () => {}); // reported through the callbacks below
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(bytes, (err) => {
          if (err) reject(err);
          else port.drain((e) => (e ? reject(e) : resolve()));
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) resolve();
        else port.close(() => resolve());
      }),
  };
}

/**
 * Opens a printer. Throws PrinterError: E_USAGE for a bad target or column count, E_PRINTER when
 * it cannot be opened (the reason from the OS or the network, never the slip).
 */
export async function openPrinter(target: string, opts: PrinterOptions): Promise<Printer> {
  const t = parsePrinterTarget(target);
  const slipOpts: SlipOptions = { columns: opts.columns, lang: opts.lang };
  checkColumns(opts.columns); // before anything is opened
  const name = describe(t);
  let sink: Sink;
  try {
    if (t.kind === 'tcp') sink = await tcpSink(t.host, t.port, opts.connectTimeoutMs ?? 5000);
    else if (t.kind === 'serial') sink = await serialSink(t.path, t.baudRate);
    else sink = await fileSink(t.path);
  } catch (e) {
    throw new PrinterError('E_PRINTER', `printer ${name} cannot be opened: ${(e as Error).message}`);
  }
  let closed = false;
  return {
    async print(lines: string[]): Promise<void> {
      if (closed) throw new PrinterError('E_PRINTER', `printer ${name} is closed`);
      const bytes = encodeSlip(lines, slipOpts);
      try {
        await sink.write(bytes);
      } catch (e) {
        throw new PrinterError('E_PRINTER', `printer ${name}: write failed: ${(e as Error).message}`);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await sink.close();
    },
  };
}
