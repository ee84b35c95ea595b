/** What `mlp init` did (its `--json` shape is `initJson` in json-shapes.ts). */
export interface InitResult {
  ok: true;
  workspace: string;
  /** Paths relative to the workspace, each with what it is. */
  created: string[];
  updated: string[];
  alreadyInitialised: boolean;
  database: { engine: string; url: string };
  blobs: { driver: string; location: string };
}
