/** Who moves an alias and why; `force` overrides failing gates (see alias-operations.ts). */
export interface AliasChangeOptions {
  reason?: string;
  actor?: string;
  /** Moves an alias the model's gates guard even when they fail; needs a reason, and is audited as forced. */
  force?: boolean;
}
