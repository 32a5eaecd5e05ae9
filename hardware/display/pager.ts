/**
 * Shared page handling: which page is up, the auto-advance timer, redraw on demand. Drivers
 * supply `draw(screen, page)`.
 */
import { checkGeometry, type Display, DisplayError, type Geometry, type Screen } from './types.js';

export interface PagerOptions {
  geometry: Geometry;
  /** Auto-advance period in ms; 0 = pages change only on nextPage()/previousPage() (keys). Default 0. */
  pageMs?: number;
}

export abstract class PagedDisplay implements Display {
  abstract readonly kind: Display['kind'];
  readonly geometry: Geometry;
  readonly textGeometry: Geometry;
  current: { screen: Screen; page: number } | null = null;
  private readonly pageMs: number;
  private timer: NodeJS.Timeout | null = null;
  protected closed = false;

  constructor(opts: PagerOptions) {
    checkGeometry(opts.geometry);
    this.geometry = { ...opts.geometry };
    this.textGeometry = { width: opts.geometry.width, height: opts.geometry.height - 1 };
    this.pageMs = opts.pageMs ?? 0;
    if (!(this.pageMs >= 0)) throw new DisplayError('E_DISPLAY_CONFIG', 'pageMs must be >= 0');
  }

  protected abstract draw(screen: Screen, page: number): void;

  show(screen: Screen): void {
    if (this.closed) return;
    const c = this.current;
    if (c !== null && c.screen === screen && c.page === 0) {
      // the same screen object is already up on its first page (screens are immutable and
      // memoized upstream, e.g. every approval): nothing to draw, only restart the page timer
      this.arm();
      return;
    }
    this.current = { screen, page: 0 };
    this.draw(screen, 0);
    this.arm();
  }

  nextPage(): void {
    const c = this.current;
    if (!c || this.closed) return;
    const n = Math.max(1, c.screen.pages.length);
    c.page = (c.page + 1) % n;
    this.draw(c.screen, c.page);
    this.arm();
  }

  /** Shows the page before (wraps around) and restarts the page timer. */
  previousPage(): void {
    const c = this.current;
    if (!c || this.closed) return;
    const n = Math.max(1, c.screen.pages.length);
    c.page = (c.page + n - 1) % n;
    this.draw(c.screen, c.page);
    this.arm();
  }

  /** Draws the current page again (e.g. after an LCD came back). */
  redraw(): void {
    if (this.current && !this.closed) this.draw(this.current.screen, this.current.page);
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const c = this.current;
    if (this.pageMs > 0 && c && c.screen.pages.length > 1) {
      this.timer = setTimeout(() => this.nextPage(), this.pageMs);
      this.timer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** "title      2/3": the title cut to fit, a page indicator at the right when there are pages. */
export function titleRow(
  screen: Screen,
  page: number,
  width: number,
  widthOf: (s: string) => number,
  cut: (s: string, w: number) => string,
): string {
  const n = screen.pages.length;
  const ind = n > 1 ? ` ${page + 1}/${n}` : '';
  const room = Math.max(0, width - ind.length);
  const t = cut(screen.title, room);
  return t + ' '.repeat(Math.max(0, width - widthOf(t) - ind.length)) + ind;
}
