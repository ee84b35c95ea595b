import { useEffect, useState } from 'preact/hooks';

/** A counter that ticks every `ms` while `active`, to refetch live state (a running pipeline, a rollout). */
export function usePoll(active: boolean, ms = 2000): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return tick;
}
