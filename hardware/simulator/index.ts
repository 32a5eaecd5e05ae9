/** The simulated payment module: scenarios, scripts with expected outcomes, streams, outputs. */

export type { CardBrandRow, CardGroupName, CardGroupRow, DrawnCard } from './cards.js';
export { CARD_BRANDS, CARD_GROUPS, CardPopulation } from './cards.js';
export type { PtyPairHandle, TcpServerHandle } from './outputs.js';
export { isCharDevice, pumpToTty, SimulatorError, serveTcp, startPtyPair } from './outputs.js';
export type { IsoVersion } from './forms.js';
export { ACTION_CODE_1993, versionOf } from './forms.js';
export { Rng } from './rng.js';
export type { SalePace, Scenario, ScenarioName } from './scenarios.js';
export {
  CASHIER_PACE,
  isScenarioName,
  LATE_GAP_MS,
  OTHER_CARD_DECLINES,
  REVERSAL_REFUSALS,
  SAME_CARD_DECLINES,
  SCENARIO_NAMES,
  SCENARIOS,
} from './scenarios.js';
export type { SequenceKey } from './sequences.js';
export { SEQUENCE_KEYS } from './sequences.js';
export type {
  LinkExpect,
  Outcome,
  SaleExpect,
  SaleState,
  ScriptOptions,
  ScriptStep,
  ScriptSummary,
} from './script.js';
export { buildScript, resolveOptions, scriptSteps, summarize, TEST_PANS } from './script.js';
export type { SimulatorStreamOptions } from './stream.js';
export { createSimulatorStream, SimulatorStream } from './stream.js';
