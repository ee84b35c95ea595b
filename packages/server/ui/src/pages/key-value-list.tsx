import { useMemo, useRef, useState } from 'preact/hooks';
import { formatValue } from '../format';

const rowHeight = 24;
/** Rows drawn: what the box shows (480 px) and a few either side. Thousands of keys draw as many rows as ten. */
const windowRows = 20;
const overscan = 5;

/** A run's params, metrics or tags: a search once there are many, and a scroll box that draws only the rows in view. */
export function KeyValueList(props: { title: string; values: Record<string, string | number> }) {
  const keys = useMemo(() => Object.keys(props.values).sort(), [props.values]);
  const [search, setSearch] = useState('');
  const [top, setTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const frame = useRef(0);
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return needle ? keys.filter((k) => k.toLowerCase().includes(needle)) : keys;
  }, [keys, search]);
  const onScroll = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (box.current) setTop(Math.floor(box.current.scrollTop / rowHeight));
    });
  };
  const first = Math.min(Math.max(0, top - overscan), Math.max(0, shown.length - windowRows));
  const last = Math.min(shown.length, top + windowRows + overscan);
  const name = props.title.toLowerCase();
  return (
    <div class="kv-list">
      <h2>
        {props.title} {keys.length > windowRows ? <small>({keys.length})</small> : null}
      </h2>
      {keys.length === 0 ? <p>None.</p> : null}
      {keys.length > windowRows ? (
        <input
          type="search"
          name={`${name}-search`}
          placeholder={`Search ${keys.length} ${name}`}
          value={search}
          onInput={(e) => {
            setSearch((e.target as HTMLInputElement).value);
            setTop(0);
            if (box.current) box.current.scrollTop = 0;
          }}
        />
      ) : null}
      <div class="kv-box" ref={box} onScroll={onScroll}>
        <table class="grid kv" data-testid={name} style={{ height: `${shown.length * rowHeight}px` }}>
          <tbody style={{ transform: `translateY(${first * rowHeight}px)` }}>
            {/* Keyed by place: scrolling rewrites the rows' texts in place. */}
            {shown.slice(first, last).map((k, place) => (
              <tr key={place}>
                <th title={k}>{k}</th>
                <td>{formatValue(props.values[k])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
