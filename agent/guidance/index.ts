/**
 * Cashier guidance: message catalogs in six languages with merchant overrides, display layout,
 * the hot-path prompt renderer, the contact-issuer script, customer language from EMV 5F2D and
 * the repeated-decline tracker. Pure (no I/O): config loading and logging live in the caller,
 * which passes overrides in and an onMissing callback.
 */
export {
  BUILT_IN,
  type Catalog,
  type CatalogOptions,
  type CatalogOverrides,
  createCatalog,
  flatten,
  type GuidanceText,
  parseOverrides,
  pickCustomerLang,
  STOP_RETRYING_KEY,
} from './catalog.js';
export { type CatalogData, type Entry, STRING_KEYS } from './catalogs/types.js';
export { isLang, type Lang, LANGS } from './langs.js';
export { formatAmount } from './currency.js';
export {
  cardKey,
  countsAsDecline,
  DeclineTracker,
  type DeclineTrackerOptions,
  type DeclineVerdict,
} from './decline-tracker.js';
export { GuidanceError, type GuidanceErrorCode } from './errors.js';
export type { Geometry } from '../../hardware/display/types.js';
export { checkLayoutSize, cutToWidth, displayWidth, layout, padColumns, paginate, wrap } from './layout.js';
export {
  APPROVAL_CODE_BLANK,
  issuerScript,
  issuerScriptPages,
  localTime,
  PRINTER_58MM,
  PRINTER_80MM,
  type ScriptOptions,
  type TerminalInfo,
  utcTime,
  zoneOffsetMinutes,
} from './script.js';
