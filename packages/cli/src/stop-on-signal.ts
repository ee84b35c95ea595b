/** What ended a long-running command: a signal, or (with `exitWithParent`) the parent's pipe closing. */
export type StopReason = 'SIGTERM' | 'SIGINT' | 'parent gone (stdin closed)';

export interface StopOnSignalOptions {
  /**
   * Also stop when stdin ends: a supervisor hands the command a pipe it never writes, and the pipe
   * closes when the supervisor's process is gone, however it went (SIGKILL included), so its
   * children never outlive it.
   */
  exitWithParent?: boolean;
}

/**
 * For commands that run until stopped (`mlp worker`, `mlp deploy agent`, `mlp serve`): `stopped`
 * resolves on SIGTERM or SIGINT (and when the parent goes, if asked); `dispose` removes the listeners
 * and lets go of stdin. Listen from the start, so a signal during start-up still stops cleanly.
 */
export function stopOnSignal(options: StopOnSignalOptions = {}): { stopped: Promise<StopReason>; dispose(): void } {
  let stop: (reason: StopReason) => void = () => {};
  const stopped = new Promise<StopReason>((resolve) => {
    stop = resolve;
  });
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  const onParentGone = () => stop('parent gone (stdin closed)');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  if (options.exitWithParent) {
    process.stdin.once('end', onParentGone);
    process.stdin.once('close', onParentGone);
    process.stdin.once('error', onParentGone);
    process.stdin.resume();
  }
  return {
    stopped,
    dispose() {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      if (options.exitWithParent) {
        process.stdin.off('end', onParentGone);
        process.stdin.off('close', onParentGone);
        process.stdin.off('error', onParentGone);
        // A stdin still open would keep the process alive after the command ends.
        process.stdin.destroy();
      }
    },
  };
}
