import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A page whose code is fetched on first visit (a separate chunk), so the initial JavaScript holds
 * only the shell and tracking's pages.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState<string>();
    useEffect(() => {
      if (loaded) return;
      load().then(
        (component) => {
          loaded = component;
          setPage(() => component);
        },
        (error: unknown) => setFailed(String(error)),
      );
    }, []);
    if (failed) return <p class="error">Could not load this page: {failed}. Reload to try again.</p>;
    return Page ? <Page {...props} /> : <p>Loading…</p>;
  };
}
