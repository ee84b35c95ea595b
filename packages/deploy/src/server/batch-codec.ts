/** How one kind of request is joined into a batch and its answer split back (tensors, records). */
export interface BatchCodec<I, O> {
  /** The request's rows (dimension 0); undefined runs it alone. */
  rows(input: I): number | undefined;
  /** Requests join only with requests of the same key. */
  key(input: I): string;
  join(inputs: readonly I[], rows: number): I;
  /** Each request's part of a batch's answer; undefined when the answer cannot be split (each then runs alone). */
  split(output: O, rowsPerRequest: readonly number[]): O[] | undefined;
}
