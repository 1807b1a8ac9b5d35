export { configSchema, type Config, type ConfigInput } from './schema.js';
export { resolveConfig, explainConfig, ConfigError, type ResolvedConfig, type ResolveOptions, type Origin, type Tier } from './resolve.js';
export { machineFacts, adaptiveValues, strategyProfile, type MachineFacts, type DataFacts } from './adaptive.js';
export { leaves, type Leaf } from './leaves.js';
