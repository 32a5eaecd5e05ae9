/**
 * What the cashier's display shows, built from the guidance catalog and laid out for the display,
 * memoized per (code, languages, stop) so the hot path only looks screens up. A failure screen is:
 * a title (the EMV standard message in the cashier's language and the code), the cashier prompt,
 * then what to tell the customer, in the customer's language when the card asks for one we have.
 * Pages are laid out for the display minus its title row; `code` is the screen's response code.
 */
import type { Screen } from '../../hardware/display/types.js';
import type { CodeRow } from '../../protocol/response-codes/index.js';
import {
  type Catalog,
  createPromptRenderer,
  type Geometry,
  type Lang,
  layout,
  pickCustomerLang,
} from '../guidance/index.js';

export class ScreenBook {
  private readonly memo = new Map<string, Map<string, Screen>>();
  private readonly approvedMemo = new Map<string, Screen>();
  private readonly readyMemo = new Map<string, Screen>();
  private readonly body: Geometry;
  private readonly renderer: ReturnType<typeof createPromptRenderer>;

  constructor(
    private readonly catalog: Catalog,
    readonly geometry: Geometry,
  ) {
    this.body = { width: geometry.width, height: Math.max(1, geometry.height - 1) };
    this.renderer = createPromptRenderer(catalog, this.body);
  }

  /** Where page text goes: the display minus its title row. */
  get bodyGeometry(): Geometry {
    return this.body;
  }

  /** The idle screen after the cashier dismissed a failure (EMV message 14, WELCOME). */
  ready(lang: string): Screen {
    let s = this.readyMemo.get(lang);
    if (!s) {
      s = {
        title: clip(this.catalog.text('emv.14', lang), this.geometry.width),
        pages: [[]],
        tone: 'info',
      };
      this.readyMemo.set(lang, s);
    }
    return s;
  }

  approved(lang: string): Screen {
    let s = this.approvedMemo.get(lang);
    if (!s) {
      s = { title: this.catalog.text('emv.03', lang), pages: [[]], tone: 'ok', code: '' };
      this.approvedMemo.set(lang, s);
    }
    return s;
  }

  /** `cardLangPref` is EMV 5F2D as lowercase pairs ("defr") or null. */
  failure(row: CodeRow, cashierLang: string, cardLangPref: string | null, stop: boolean): Screen {
    let byCode = this.memo.get(row.code);
    if (!byCode) {
      byCode = new Map();
      this.memo.set(row.code, byCode);
    }
    // The key is built only on the first sight of a combination in this language pair; the common
    // case (no card language) looks up by the cashier language string itself.
    const memoKey =
      !stop && cardLangPref === null ? cashierLang : `${cashierLang}|${cardLangPref ?? ''}|${stop ? 1 : 0}`;
    let s = byCode.get(memoKey);
    if (!s) {
      s = this.build(row, cashierLang, cardLangPref, stop);
      byCode.set(memoKey, s);
    }
    return s;
  }

  /**
   * The detail pages the cashier opens with INFO on a failure: the explanation, what to tell the
   * customer and the next steps (the contact-issuer script for the sale is added by the caller,
   * which has the record). Built on demand, off the hot path.
   */
  detail(row: CodeRow, cashierLang: string, cardLangPref: string | null, stop: boolean): Screen {
    const customerLang = pickCustomerLang(cardLangPref, cashierLang as Lang);
    const g = this.catalog.guidance(row, cashierLang as Lang);
    const pages: (readonly string[])[] = [];
    if (stop) pages.push(...layout(this.catalog.text('stop_retrying.cashier', cashierLang), this.body));
    pages.push(...layout(g.cashier, this.body));
    const customer = this.catalog.guidance(row, customerLang).customer;
    if (customer) pages.push(...layout(`» ${customer}`, this.body));
    g.steps.forEach((step, i) => pages.push(...layout(`${i + 1}. ${step}`, this.body)));
    const base = this.failure(row, cashierLang, cardLangPref, stop);
    return { title: base.title, pages, tone: base.tone ?? 'error', code: row.code };
  }

  private build(row: CodeRow, cashierLang: string, cardLangPref: string | null, stop: boolean): Screen {
    const customerLang = pickCustomerLang(cardLangPref, cashierLang as Lang);
    const title =
      `${this.catalog.text(`emv.${row.emvMessage}`, cashierLang)} ${row.code.startsWith('L_') ? '' : row.code}`.trim();
    const pages: (readonly string[])[] = [];
    if (stop) pages.push(...layout(this.catalog.text('stop_retrying.cashier', cashierLang), this.body));
    pages.push(...this.renderer.render(row, cashierLang));
    const customer = this.catalog.guidance(row, customerLang).customer;
    if (customer) pages.push(...layout(`» ${customer}`, this.body));
    return {
      title: clip(title, this.geometry.width),
      pages,
      tone: row.category === 'network' || row.category === 'system_fault' ? 'warn' : 'error',
      code: row.code,
    };
  }
}

function clip(s: string, width: number): string {
  // titles are short by construction; layout() handles CJK widths, so take its first line
  return layout(s, { width, height: 1 })[0]?.[0] ?? s;
}
