/** The shapes of a config file and of the effective config the service is built from. */

/** Where an effective value came from, for --print-config and for error messages. */
export type ConfigSource =
  | { kind: 'default' }
  | { kind: 'file'; file: string }
  | { kind: 'env'; variable: string }
  | { kind: 'flag'; flag: string };

export interface PipelineConfig {
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export interface ServiceConfig {
  http: {
    host: string;
    port: number;
    token: string | null;
    allowed_hosts: string[];
    max_body_kb: number;
    web_dir: string | null;
    admission: { small_body_kb: number; max_large_bodies: number; max_inflight_mb: number };
  };
  store_prompts: boolean;
  log: { level: 'silent' | 'error' | 'warn' | 'info' | 'debug'; format: 'auto' | 'pretty' | 'json' };
  /** Processor worker threads per pipeline. */
  workers: number;
  /** Items waiting in a pipeline before ingest answers 503. */
  max_queue_events: number;
  extensions: string[];
  pipelines: Record<string, PipelineConfig>;
}

/** A component's entry as written: its own keys, plus `module` for a plugin. */
export type ComponentEntry = Record<string, unknown> & { module?: string };

export type SectionName = 'receivers' | 'processors' | 'exporters' | 'extensions';
export const SECTIONS: readonly SectionName[] = ['receivers', 'processors', 'exporters', 'extensions'];

export interface RawConfig {
  service: ServiceConfig;
  receivers: Record<string, ComponentEntry>;
  processors: Record<string, ComponentEntry>;
  exporters: Record<string, ComponentEntry>;
  extensions: Record<string, ComponentEntry>;
}

/** The merged config (defaults ← file ← env ← flags) with the source of every value set. */
export interface LoadedConfig {
  config: RawConfig;
  /** The config file read, or null when the built-in default config is used alone. */
  file: string | null;
  /** Folder that relative paths in the config are resolved against. */
  baseDir: string;
  /** Dotted key path → where its value came from (absent: the component's own default). */
  sources: Map<string, ConfigSource>;
  /** Things worth saying at start-up (unknown AGENTSTATS_* variables, overrides that apply to nothing). */
  warnings: string[];
}

export class ConfigError extends Error {}
