import type { MlpEvent } from '@mlp/core';
import type { PipelineTrigger } from '../pipeline/pipeline-types.js';

/**
 * The durable event types the other packages publish that triggers react to (data-version's
 * `datasetEvents.versionCreated`, registry's alias change): names, not imports, since no domain
 * package imports another.
 */
export const triggerEventTypes = {
  datasetVersion: 'dataset_version.created',
  registryAlias: 'model_version.alias_set',
} as const;

/** The event type a trigger listens to; undefined for `http`, which `mlp server` starts directly. */
export function eventTypeOf(trigger: PipelineTrigger): string | undefined {
  switch (trigger.on) {
    case 'dataset.version':
      return triggerEventTypes.datasetVersion;
    case 'registry.alias':
      return triggerEventTypes.registryAlias;
    case 'event':
      return trigger.type;
    case 'http':
      return undefined;
  }
}

/** Whether `event` fires `trigger`: its type, and for datasets and aliases the named dataset, model and alias. */
export function matchesTrigger(trigger: PipelineTrigger, event: Pick<MlpEvent, 'type' | 'payload'>): boolean {
  if (eventTypeOf(trigger) !== event.type) return false;
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  switch (trigger.on) {
    case 'dataset.version':
      return payload.dataset === trigger.dataset;
    case 'registry.alias':
      return payload.name === trigger.model && (trigger.alias === undefined || payload.alias === trigger.alias);
    default:
      return true;
  }
}

/** The idempotency key of an event's run: redelivery, or a second consumer, finds the same run. */
export function eventTriggerKey(event: Pick<MlpEvent, 'id'>): string {
  return `event:${event.id}`;
}
