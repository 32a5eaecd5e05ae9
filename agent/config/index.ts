export { configSchema, SECRET_KEYS, type AgentConfig } from './schema.js';
export {
  ConfigError,
  loadConfig,
  validateConfig,
  configFromEnv,
  readConfigFile,
  redactConfig,
  configHash,
  merge,
  setPath,
} from './load.js';
