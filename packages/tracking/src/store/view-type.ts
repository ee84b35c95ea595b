import type { ViewType } from '../model.js';

export function lifecycleStagesFor(viewType: ViewType = 'ACTIVE_ONLY'): string[] {
  if (viewType === 'ALL') return ['active', 'deleted'];
  return viewType === 'DELETED_ONLY' ? ['deleted'] : ['active'];
}
