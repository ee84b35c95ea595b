/** What the exit hook needs of an open workspace. */
export interface ClosableOnExit {
  close(): Promise<void>;
}

const open = new Set<ClosableOnExit>();
let installed = false;
let armed = false;

/**
 * The event loop ran dry with workspaces still open: the script ended without `close()`. Nothing of a
 * workspace keeps the loop alive (idle pool connections, the embedded server's presence connection and
 * event subscriptions are unref'd), so this is where they are closed, which also stops the embedded
 * server when this process is its last user. The first time, the close waits one more turn: other
 * `beforeExit` listeners (tracking ends its open runs there) still need the database.
 */
function onBeforeExit(): void {
  if (!armed) {
    armed = true;
    setImmediate(() => {});
    return;
  }
  armed = false;
  for (const workspace of open) void workspace.close().catch(() => {});
}

/** Closes `workspace` when the process would otherwise exit with it open; call the result once it is closed. */
export function closeOnExit(workspace: ClosableOnExit): () => void {
  open.add(workspace);
  if (!installed) {
    installed = true;
    process.on('beforeExit', onBeforeExit);
  }
  return () => {
    open.delete(workspace);
    if (open.size === 0 && installed) {
      installed = false;
      armed = false;
      process.off('beforeExit', onBeforeExit);
    }
  };
}
