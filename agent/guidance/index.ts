/**
 * Cashier guidance: message catalogs in six languages with merchant overrides, display layout,
 * the hot-path prompt renderer, the contact-issuer script, customer language from EMV 5F2D and
 * the repeated-decline tracker. Pure (no I/O): config loading and logging live in the caller,
 * which passes overrides in and an onMissing callback.
 */
export {
  BUILT_IN,
  LANGS,
  STOP_RETRYING_KEY,
  createCatalog,
  flatten,
  isLang,
  parseOverrides,
  pickCustomerLang,
  type Catalog,
  type CatalogOptions,
  type CatalogOverrides,
  type GuidanceText,
  type Lang,
} from './catalog.js';
export { STRING_KEYS, type CatalogData, type Entry } from './catalogs/types.js';
export { CURRENCIES, formatAmount } from './currency.js';
export { DeclineTracker, cardKey, countsAsDecline, type DeclineTrackerOptions, type DeclineVerdict } from './decline-tracker.js';
export { GuidanceError, type GuidanceErrorCode } from './errors.js';
export { checkGeometry, displayWidth, layout, padColumns, paginate, wrap, type Geometry } from './layout.js';
export { createPromptRenderer, type Pages, type PromptRenderer } from './render.js';
export {
  PRINTER_58MM,
  PRINTER_80MM,
  issuerScript,
  issuerScriptPages,
  localTime,
  utcTime,
  zoneOffsetMinutes,
  type ScriptOptions,
  type TerminalInfo,
} from './script.js';
