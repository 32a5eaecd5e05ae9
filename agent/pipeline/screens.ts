/**
 * What the cashier's display shows on a failure, built from the guidance catalog and laid out for
 * the display. Two screens per failure, because a cashier has a second or two to look:
 *
 *  - failure(): the GLANCE screen the agent shows first. One page only. Title row: the status and
 *    the code ("DECLINED 51", "ABGELEHNT 51", "拒绝 51"); the code is never cut, the status word
 *    gives way (first its catalog short form, then whole words, then graphemes). The page: on a
 *    display with one text line the action ("Other card/less"); with more lines the short reason,
 *    then the action. When the repeat-decline guard says stop, the action is "do not retry".
 *    Local faults (L_TIMEOUT ...) are the agent's own names, too long for a title row: it shows
 *    their two-letter terminal code instead (a column of LOCAL_CODES: "TRY AGAIN TO").
 *  - detail(): the pages INFO opens: the explanation (reason first, then what to do), "do not
 *    retry" when the guard says so, what to tell the customer (» prefix, in the customer's
 *    language when the card asks for one we have), then the numbered next steps.
 *
 * Both are memoized per (code, languages, stop), so the hot path only looks screens up; `code` is
 * the screen's response code.
 */
import { lcdWidth } from '../../hardware/display/lcd-charset.js';
import type { Screen } from '../../hardware/display/types.js';
import { type CodeRow, displayCode } from '../../protocol/response-codes/index.js';
import {
  type Catalog,
  cutToWidth,
  displayWidth,
  type Geometry,
  type Lang,
  layout,
  pickCustomerLang,
  STOP_RETRYING_KEY,
  wrap,
} from '../guidance/index.js';

type Lines = readonly string[];

export class ScreenBook {
  private readonly memo = new Map<string, Map<string, Screen>>();
  /** The same with "do not retry this card" (the repeat-decline guard said stop). */
  private readonly stopMemo = new Map<string, Map<string, Screen>>();
  private readonly detailMemo = new Map<string, Screen>();
  private readonly approvedMemo = new Map<string, Screen>();
  private readonly readyMemo = new Map<string, Screen>();
  private readonly body: Geometry;

  constructor(
    /** The catalog the screens come from (the merchant's texts included): the script uses it too. */
    readonly catalog: Catalog,
    readonly geometry: Geometry,
  ) {
    this.body = { width: geometry.width, height: Math.max(1, geometry.height - 1) };
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
        title: fitWords(this.catalog.text('emv.14', lang), this.geometry.width),
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

  /** The glance screen, for the cashier (the customer's text, in the card's language, is on the detail pages). */
  failure(row: CodeRow, cashierLang: string, stop: boolean): Screen {
    // HOT PATH: looked up by the code and the cashier language strings themselves (no key built)
    const memo = stop ? this.stopMemo : this.memo;
    let byCode = memo.get(row.code);
    if (!byCode) {
      byCode = new Map();
      memo.set(row.code, byCode);
    }
    let s = byCode.get(cashierLang);
    if (!s) {
      s = this.glance(row, cashierLang, stop);
      byCode.set(cashierLang, s);
    }
    return s;
  }

  /**
   * The detail pages the cashier opens with INFO on a failure: the explanation, "do not retry"
   * when the guard says so, what to tell the customer and the next steps (the contact-issuer
   * script for the sale is added by the caller, which has the record). Off the hot path.
   */
  detail(row: CodeRow, cashierLang: string, cardLangPref: string | null, stop: boolean): Screen {
    const memoKey = `${row.code}|${cashierLang}|${cardLangPref ?? ''}|${stop ? 1 : 0}`;
    let s = this.detailMemo.get(memoKey);
    if (s) return s;
    const customerLang = pickCustomerLang(cardLangPref, cashierLang as Lang);
    const g = this.catalog.guidance(row, cashierLang);
    const pages: Lines[] = [];
    pages.push(...layout(g.cashier, this.body));
    if (stop)
      pages.push(...layout(this.catalog.text(`${STOP_RETRYING_KEY}.cashier`, cashierLang), this.body));
    const customer = this.catalog.guidance(row, customerLang).customer;
    if (customer) pages.push(...layout(`» ${customer}`, this.body));
    g.steps.forEach((step, i) => pages.push(...layout(`${i + 1}. ${step}`, this.body)));
    // the display puts " n/N" at the right of the title row when there are pages: keep room for it
    const indicator = pages.length > 1 ? ` ${pages.length}/${pages.length}`.length : 0;
    s = {
      title: this.title(row, g.status, cashierLang, this.geometry.width - indicator),
      pages,
      tone: toneOf(row),
      code: row.code,
    };
    if (this.detailMemo.size < 4096) this.detailMemo.set(memoKey, s);
    return s;
  }

  private glance(row: CodeRow, lang: string, stop: boolean): Screen {
    const g = this.catalog.guidance(row, lang);
    const action = stop ? this.catalog.text(`${STOP_RETRYING_KEY}.action`, lang) : g.action;
    const { width, height } = this.body;
    const actionLines = wrap(action, width);
    const reasonLines = wrap(g.reason, width);
    const page: Lines =
      height >= actionLines.length + reasonLines.length
        ? [...reasonLines, ...actionLines]
        : actionLines.slice(0, height); // one text line (16x2, 20x2): the action alone
    return {
      title: this.title(row, g.status, lang, this.geometry.width),
      pages: [page],
      tone: toneOf(row),
      code: row.code,
    };
  }

  /** "DECLINED 51" in at most `width` columns: the code whole, the status shortened to fit. */
  private title(row: CodeRow, status: string | null, lang: string, width: number): string {
    const long = status ?? this.catalog.text(`emv.${row.emvMessage}`, lang);
    const code = displayCode(row);
    const room = code === '' ? width : width - displayWidth(code) - 1;
    let word = long;
    if (titleWidth(word) > room && status === null) {
      const shortKey = `emv.${row.emvMessage}.short`;
      if (this.catalog.has(shortKey, lang)) word = this.catalog.text(shortKey, lang);
    }
    word = fitWords(word, room);
    return code === '' ? word : word === '' ? code : `${word} ${code}`;
  }
}

/** Columns of a title row on any of our displays: string-width, or the LCD's letters if more. */
function titleWidth(s: string): number {
  // measured with the LCD's longer letters too ("ОШИБКА ОБРАБОТКИ 103" grows by two there), so the
  // code at the end survives the transliteration (test/pipeline/glance.test.ts draws every title)
  return Math.max(displayWidth(s), lcdWidth(s));
}

function toneOf(row: CodeRow): Screen['tone'] {
  return row.category === 'network' || row.category === 'system_fault' ? 'warn' : 'error';
}

/** `s` in at most `room` columns: whole words while at least one fits, else cut between graphemes. */
function fitWords(s: string, room: number): string {
  if (room <= 0) return '';
  if (titleWidth(s) <= room) return s;
  const words = s.split(' ');
  let out = '';
  for (const w of words) {
    const next = out === '' ? w : `${out} ${w}`;
    if (titleWidth(next) > room) break;
    out = next;
  }
  // a lone short word ("CALL" of "CALL YOUR BANK") says less than the cut phrase
  if (out !== '' && titleWidth(out) * 2 >= room) return out;
  let cut = cutToWidth(s, room).trimEnd();
  while (cut !== '' && titleWidth(cut) > room) cut = cutToWidth(cut, displayWidth(cut) - 1).trimEnd();
  return cut;
}
