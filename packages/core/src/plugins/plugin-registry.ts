import type { BlobStore } from '../blobs/blob-store.js';
import type { S3Settings } from '../config/config-schema.js';
import type { StepTracking } from '../contracts/step-tracking.js';
import type { DatabaseEngine } from '../db/database.js';
import { MlpError } from '../errors/mlp-error.js';

/** A blob driver plugin: serves URLs of its schemes (`gs`, `az`, ...). */
export interface BlobDriverPlugin {
  readonly name: string;
  readonly schemes: readonly string[];
  open(url: string, context: { baseDir: string; s3: S3Settings }): Promise<BlobStore>;
}

/**
 * The extension points, by slot name. Packages add their own slots by declaration merging:
 * `declare module '@mlp/core' { interface PluginSlots { trainer: TrainerPlugin } }`.
 */
export interface PluginSlots {
  blobDriver: BlobDriverPlugin;
  databaseEngine: DatabaseEngine;
  /** The tracking runs of pipeline steps that ask for one (`@mlp/tracking` provides it, `@mlp/orchestrate` uses it). */
  stepTracking: StepTracking;
}

export type PluginSlot = keyof PluginSlots;

export interface PluginRegistry {
  register<S extends PluginSlot>(slot: S, plugin: PluginSlots[S]): PluginRegistry;
  get<S extends PluginSlot>(slot: S, name: string): PluginSlots[S];
  find<S extends PluginSlot>(slot: S, predicate: (plugin: PluginSlots[S]) => boolean): PluginSlots[S] | undefined;
  list<S extends PluginSlot>(slot: S): PluginSlots[S][];
}

/** Plugins are plain objects with a `name`, registered explicitly; no discovery, no globals. */
export function createPluginRegistry(): PluginRegistry {
  const slots = new Map<PluginSlot, Map<string, { name: string }>>();
  const inSlot = (slot: PluginSlot) => {
    const plugins = slots.get(slot) ?? new Map<string, { name: string }>();
    slots.set(slot, plugins);
    return plugins;
  };

  const registry: PluginRegistry = {
    register(slot, plugin) {
      const plugins = inSlot(slot);
      const { name } = plugin as { name: string };
      if (typeof name !== 'string' || name === '')
        throw new MlpError('INVALID_ARGUMENT', `A ${slot} plugin needs a non-empty string 'name'.`);
      if (plugins.has(name))
        throw new MlpError('ALREADY_EXISTS', `A ${slot} plugin named '${name}' is already registered; give yours another name.`);
      plugins.set(name, plugin as { name: string });
      return registry;
    },
    get(slot, name) {
      const plugin = slots.get(slot)?.get(name);
      if (!plugin) {
        const known = [...(slots.get(slot)?.keys() ?? [])];
        throw new MlpError('NOT_FOUND', `No ${slot} plugin named '${name}'. Registered: ${known.length ? known.join(', ') : 'none'}.`);
      }
      return plugin as never;
    },
    find(slot, predicate) {
      return [...(slots.get(slot)?.values() ?? [])].find((plugin) => predicate(plugin as never)) as never;
    },
    list(slot) {
      return [...(slots.get(slot)?.values() ?? [])] as never;
    },
  };
  return registry;
}
