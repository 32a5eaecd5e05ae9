/** The simulated payment module: scenarios, scripts with expected outcomes, streams, outputs. */
export { SCENARIOS, SCENARIO_NAMES, isScenarioName } from './scenarios.js';
export type { Scenario, ScenarioName } from './scenarios.js';
export { buildScript, scriptSteps, summarize, resolveOptions, TEST_PANS } from './script.js';
export type { LinkExpect, Outcome, ScriptOptions, ScriptStep, ScriptSummary, SimFraming } from './script.js';
export { createSimulatorStream, SimulatorStream } from './stream.js';
export type { SimulatorStreamOptions } from './stream.js';
export { startPtyPair, pumpToTty, serveTcp, isCharDevice, SimulatorError } from './outputs.js';
export type { PtyPairHandle, TcpServerHandle } from './outputs.js';
export { Rng } from './rng.js';
