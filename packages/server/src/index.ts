export type { NewCredentials } from './app/accounts.js';
export { type Clock, systemClock } from './clock.js';
export {
  type Config,
  ConfigError,
  type ConfigOverrides,
  DEFAULT_CONFIG,
  parseRegionPorts,
  resolveConfig,
} from './config.js';
export { DataplaneUnavailableError, defaultDataplanePrefix } from './dataplane/drivers.js';
export { dataplanePrefixOf, teardownDataplane } from './dataplane/teardown.js';
export { isRegion, REGIONS, type Region } from './domain/regions.js';
export { type RunningServer, type StartOptions, startServer } from './server.js';
