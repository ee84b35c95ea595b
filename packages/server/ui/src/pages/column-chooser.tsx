import { useMemo, useState } from 'preact/hooks';
import type { Column } from './runs-body';

/** At most this many checkboxes are drawn; past it, the search narrows them (runs with thousands of keys stay usable). */
export const chooserLimit = 100;

/** The runs table's column chooser: a search over every param, metric and tag key, the matches as checkboxes. */
export function ColumnChooser(props: {
  columns: Column[];
  isShown: (column: Column, index: number) => boolean;
  toggle: (id: string) => void;
}) {
  const [search, setSearch] = useState('');
  const matches = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const found: { column: Column; index: number }[] = [];
    let count = 0;
    props.columns.forEach((column, index) => {
      if (needle && !column.id.toLowerCase().includes(needle)) return;
      count++;
      if (found.length < chooserLimit) found.push({ column, index });
    });
    return { found, count };
  }, [props.columns, search]);
  return (
    <fieldset class="chooser" data-testid="column-chooser">
      <input
        type="search"
        name="column-search"
        placeholder={`Search ${props.columns.length} columns`}
        value={search}
        onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
      />
      <p class="chooser-count" data-testid="column-matches">
        {matches.count > matches.found.length
          ? `${matches.found.length} of ${matches.count} matching columns shown; search to narrow them`
          : `${matches.count} matching columns`}
      </p>
      <div class="chooser-list">
        {matches.found.map(({ column, index }) => (
          <label key={column.id}>
            <input type="checkbox" checked={props.isShown(column, index)} onChange={() => props.toggle(column.id)} />
            {column.id}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
