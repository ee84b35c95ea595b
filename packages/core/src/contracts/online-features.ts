/** One feature value as the online store returns it. */
export type OnlineFeatureValue = string | number | boolean | null;

/** Which entities' latest values to read from one feature view. */
export interface OnlineFeatureRequest {
  /** The feature view's name. */
  view: string;
  /** One object per entity, holding the view's join keys (`{ carrier: 'AA', origin: 'JFK' }`). */
  entityKeys: ReadonlyArray<Readonly<Record<string, string | number>>>;
  /** The features to return; all of the view's features when omitted. */
  features?: readonly string[];
}

/**
 * Latest feature values per entity, served online. Provided by `@mlp/features` (Redis or the
 * workspace database), consumed by `@mlp/deploy`'s model server to enrich requests.
 */
export interface OnlineFeatureReader {
  /**
   * One entry per requested entity, in order: its features by name, or `null` when the store holds
   * nothing for it (never materialised, or older than the view's TTL). Throws `NOT_FOUND` for an
   * unknown view or feature and `UNAVAILABLE` when the online store cannot be reached.
   */
  getOnlineFeatures(request: OnlineFeatureRequest): Promise<Array<Record<string, OnlineFeatureValue> | null>>;
}
