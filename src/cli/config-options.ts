import { Option, type Command } from 'commander';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import type { DataFacts } from '../config/adaptive.js';

export interface ConfigFlags {
  config?: string;
  set?: string[];
}

/** Adds `--config FILE` and repeatable `--set key=value` to a command. */
export function withConfigOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--config <file>', 'user preferences (JSON or YAML)'))
    .addOption(new Option('--set <key=value>', 'override one setting (repeatable)').argParser((v: string, prev: string[] = []) => [...prev, v]));
}

export function configFromFlags(flags: ConfigFlags, data?: DataFacts): ResolvedConfig {
  return resolveConfig({ ...(flags.config ? { file: flags.config } : {}), set: flags.set ?? [], ...(data ? { data } : {}) });
}
