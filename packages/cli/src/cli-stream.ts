/** Where the CLI writes; process.stdout and process.stderr, or buffers in tests. */
export interface CliStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}
