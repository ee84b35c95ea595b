/** The datasets page of a dataset input's name: `flights@3` opens version 3 of `flights`, a bare name the dataset. */
export function datasetHref(name: string): string {
  const versioned = /^(.+)@(\d+)$/.exec(name);
  return versioned
    ? `/datasets/${encodeURIComponent(versioned[1] as string)}?version=${encodeURIComponent(name)}`
    : `/datasets/${encodeURIComponent(name)}`;
}
