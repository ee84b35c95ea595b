/** One value of a column as read: numbers, text, booleans and timestamps; `null` when missing. */
export type Cell = number | string | boolean | Date | null;

/**
 * Data in columns, as training reads it: every column has `rowCount` cells. Read from a file or a
 * dataset version by `readTable`, or built from records by `tableFromRecords`.
 */
export interface Table {
  readonly rowCount: number;
  readonly columns: ReadonlyMap<string, readonly Cell[]>;
}
