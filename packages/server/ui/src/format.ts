export const formatTime = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '');

export const formatValue = (value: number | string | undefined) =>
  value === undefined ? '' : typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toPrecision(5)) : value;

export const toNumber = (value: number | string | undefined): number | null =>
  typeof value === 'number' ? value : value === undefined ? null : Number.isFinite(Number(value)) ? Number(value) : null;
