import { MlpError } from '@mlp/core';

/** Features wanted from one view: all of them when `features` is omitted; its latest version unless `version`. */
export interface FeatureRef {
  view: string;
  version?: number | undefined;
  features?: readonly string[] | undefined;
}

/** `carrier_stats:dep_delay,arr_delay`, `carrier_stats@2:dep_delay`, or `carrier_stats` (every feature). */
export function parseFeatureRef(text: string): FeatureRef {
  const match = /^([a-z_][a-z0-9_]*)(?:@(\d+))?(?::(.*))?$/.exec(text.trim());
  if (!match) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(text)} is not a feature reference: write VIEW:f1,f2 (or VIEW for all its features, VIEW@2:f1 for a version).`,
    );
  }
  const features = match[3]
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (match[3] !== undefined && (features?.length ?? 0) === 0) {
    throw new MlpError('INVALID_ARGUMENT', `${JSON.stringify(text)} names no feature after the colon: write VIEW:f1,f2.`);
  }
  return { view: match[1] as string, version: match[2] ? Number(match[2]) : undefined, features };
}
