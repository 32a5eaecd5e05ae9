/**
 * The cashier's side of the screen: what is on the display and what the keypad does to it. A
 * failure prompt stays until the cashier acts or the next sale starts (a request or a card
 * presented), never until the next response: in a busy shop the next approval would otherwise
 * replace it before anyone read it.
 *
 *   view      shows                                     keys
 *   ready     the last approval (or nothing yet)        -
 *   glance    the failure's one-glance screen           INFO → detail, PRINT, OK/CANCEL → ready
 *   detail    explanation, customer text, steps, then   UP/DOWN page, INFO/CANCEL → glance,
 *             the contact-issuer script of this sale    PRINT, OK → ready
 *
 * A new sale (saleStarted) returns to ready from any view. Approvals while a failure is up are
 * counted by the pipeline but do not take the screen. Keys are events on the serial line
 * (`EVT KEY name=INFO`, docs/serial.md) or, in the demo, keys typed in the terminal.
 *
 * approved() and failure() are on the hot path: no allocation (memoized screens, a few field
 * writes). The detail screen and the script are built on INFO or PRINT only.
 */
import type { CodeRow } from '../../protocol/response-codes/index.js';
import type { Screen } from '../../hardware/display/types.js';
import type { Logger } from '../log.js';
import type { FailureRecord } from '../record.js';
import type { NewFailure } from '../store/index.js';
import { issuerScript, issuerScriptPages, type TerminalInfo } from '../guidance/index.js';
import type { ScreenBook } from './screens.js';

/** The keypad keys the agent understands (`EVT KEY name=...`). */
export const KEYS = ['OK', 'CANCEL', 'INFO', 'UP', 'DOWN', 'PRINT'] as const;
export type KeyName = (typeof KEYS)[number];

export function isKeyName(s: string): s is KeyName {
  return (KEYS as readonly string[]).includes(s);
}

/** Beep patterns for a display with a buzzer. */
export type BeepPattern = 'approved' | 'declined' | 'do_not_retry';

/** What the desk draws on: a display, with page control and an optional buzzer. */
export interface DeskDisplay {
  show(screen: Screen): void;
  nextPage?(): void;
  previousPage?(): void;
  beep?(pattern: BeepPattern): void;
}

/** A receipt printer (hardware/printer): prints lines already laid out for its columns. */
export interface SlipPrinter {
  readonly columns: number;
  print(lines: string[]): Promise<void>;
}

export interface DeskOptions {
  display: DeskDisplay;
  screens: ScreenBook;
  cashierLang: string;
  terminal: TerminalInfo;
  logger: Logger;
  printer?: SlipPrinter | null;
}

type View = 'ready' | 'glance' | 'detail';

export class CashierDesk {
  private view: View = 'ready';
  private row: CodeRow | null = null;
  private cardLang: string | null = null;
  private stop = false;
  private glance: Screen | null = null;
  /** The failure on the screen as it will be stored (for the script); set right after the prompt. */
  private sale: NewFailure | null = null;
  private detailScreen: Screen | null = null;

  constructor(private readonly o: DeskOptions) {}

  /** What is up now (tests, status). */
  get current(): View {
    return this.view;
  }

  // HOT PATH: an approval. Shown only when no failure is waiting for the cashier.
  approved(): void {
    if (this.view !== 'ready') return;
    this.o.display.show(this.o.screens.approved(this.o.cashierLang));
    this.o.display.beep?.('approved');
  }

  // HOT PATH: a failure's one-glance screen (memoized), and it stays.
  failure(row: CodeRow, cardLang: string | null, stop: boolean): void {
    this.view = 'glance';
    this.row = row;
    this.cardLang = cardLang;
    this.stop = stop;
    this.sale = null;
    this.detailScreen = null;
    this.glance = this.o.screens.failure(row, this.o.cashierLang, stop);
    this.o.display.show(this.glance);
    this.o.display.beep?.(
      row.category === 'approved'
        ? 'approved'
        : stop || row.retry === 'never_same_card'
          ? 'do_not_retry'
          : 'declined',
    );
  }

  /**
   * A sale's outcome changed after its failure screen (reversed, approved late ...): the outcome's
   * screen, which stays like a failure's; the sale's record stays for the script.
   */
  outcome(row: CodeRow): void {
    const sale = this.sale;
    this.failure(row, null, false);
    this.sale = sale;
  }

  /** The record of the failure just prompted (what the script shows). */
  recorded(f: NewFailure): void {
    if (this.view !== 'ready') this.sale = f;
  }

  /** A new sale starts (a request, a card presented): the screen is free again. */
  saleStarted(): void {
    if (this.view === 'ready') return;
    this.dismiss();
  }

  key(name: KeyName): void {
    const d = this.o.display;
    switch (name) {
      case 'OK':
        if (this.view !== 'ready') this.dismiss();
        return;
      case 'CANCEL':
        if (this.view === 'detail') this.showGlance();
        else if (this.view === 'glance') this.dismiss();
        return;
      case 'INFO':
        if (this.view === 'glance') this.showDetail();
        else if (this.view === 'detail') this.showGlance();
        return;
      case 'DOWN':
        if (this.view === 'detail') d.nextPage?.();
        return;
      case 'UP':
        if (this.view === 'detail') d.previousPage?.();
        return;
      case 'PRINT':
        this.print();
        return;
    }
  }

  /** The contact-issuer script of the failure on the screen, for `columns` (null: none up). */
  scriptLines(columns: number): string[] | null {
    if (this.view === 'ready' || this.row === null || this.sale === null) return null;
    return issuerScript(asRecord(this.sale), this.o.terminal, this.o.cashierLang, {
      columns,
      row: this.row,
      catalog: this.o.screens.catalog, // the merchant's texts, as on the screen
    });
  }

  private dismiss(): void {
    this.view = 'ready';
    this.row = null;
    this.sale = null;
    this.glance = null;
    this.detailScreen = null;
    this.o.display.show(this.o.screens.ready(this.o.cashierLang));
  }

  private showGlance(): void {
    this.view = 'glance';
    if (this.glance) this.o.display.show(this.glance);
  }

  private showDetail(): void {
    const row = this.row;
    if (row === null) return;
    if (this.detailScreen === null) {
      const base = this.o.screens.detail(row, this.o.cashierLang, this.cardLang, this.stop);
      const pages = [...base.pages];
      if (this.sale !== null) {
        const geo = this.o.screens.bodyGeometry;
        pages.push(
          ...issuerScriptPages(asRecord(this.sale), this.o.terminal, this.o.cashierLang, geo, {
            row,
            catalog: this.o.screens.catalog,
          }),
        );
      }
      this.detailScreen = { ...base, pages };
    }
    this.view = 'detail';
    this.o.display.show(this.detailScreen);
  }

  private print(): void {
    const printer = this.o.printer;
    const log = this.o.logger;
    if (!printer) {
      log.warn(
        { event: 'print_unavailable', code: 'E_NO_PRINTER' },
        'PRINT pressed, but no printer is configured',
      );
      return;
    }
    const lines = this.scriptLines(printer.columns);
    if (lines === null) {
      log.info({ event: 'print_nothing' }, 'PRINT pressed with no failure on the screen');
      return;
    }
    const rc = this.row?.code ?? null;
    printer.print(lines).then(
      () => log.info({ event: 'slip_printed', rc, lines: lines.length }, 'decline slip printed'),
      (e: unknown) =>
        log.error(
          {
            event: 'print_failed',
            code: (e as { code?: string }).code ?? 'E_PRINT',
            reason: (e as Error).message,
          },
          'decline slip not printed',
        ),
    );
  }
}

/** The script needs the sale's fields only; the store adds id and seq later. */
function asRecord(f: NewFailure): FailureRecord {
  const { card_key: _local, ...sale } = f;
  return {
    ...sale,
    id: '',
    seq: 0,
    boot_id: '',
    version: 1,
    outcome_at: null,
    linked_id: null,
    recovered_by: null,
    synced_at: null,
  };
}
