import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, setToken } from '../api';

/**
 * A button for a write action (promote, set alias, roll back). The server decides: without a token
 * (401) it asks for one, kept in sessionStorage; with a read-only or expired token (403, 401) it
 * shows the server's error and lets the user give another token.
 */
export function WriteAction(props: {
  label: string;
  testId: string;
  run: () => Promise<string>;
  onDone?: () => void;
  children?: ComponentChildren;
}) {
  const [state, setState] = useState<{ busy?: boolean; done?: string; error?: ApiError; askToken?: boolean }>({});
  const [value, setValue] = useState('');
  const act = async () => {
    setState({ busy: true });
    try {
      const done = await props.run();
      setState({ done });
      props.onDone?.();
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError(0, 'ERROR', String(error));
      setState({ error: failure, askToken: failure.status === 401 || failure.status === 403 });
    }
  };
  return (
    <div class="write-action" data-testid={props.testId}>
      {props.children}
      <button type="button" disabled={state.busy} onClick={act}>
        {props.label}
      </button>
      {state.done ? (
        <span class="ok" data-testid={`${props.testId}-done`}>
          {state.done}
        </span>
      ) : null}
      {state.error ? (
        <p class="error" data-testid={`${props.testId}-error`}>
          {state.error.code}: {state.error.message}
        </p>
      ) : null}
      {state.askToken ? (
        <form
          class="inline-token"
          data-testid={`${props.testId}-token`}
          onSubmit={(e) => {
            e.preventDefault();
            if (!value.trim()) return;
            setToken(value.trim());
            setValue('');
            void act();
          }}
        >
          <input
            name="write-token"
            type="password"
            placeholder="a token with write scope"
            value={value}
            onInput={(e) => setValue((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Use token and retry</button>
        </form>
      ) : null}
    </div>
  );
}
