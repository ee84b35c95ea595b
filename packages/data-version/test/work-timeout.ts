/**
 * A test's timeout derived from the work it does, with budgets a saturated 2-core machine meets by a
 * wide margin: a run of the `mlp` binary takes 1–6 s there (15 s allowed; those that start the embedded database take longest), an object round trip to
 * the S3-protocol server or a folder 3–7 ms (50 ms allowed), hashing or copying a MiB 2–10 ms (200 ms
 * allowed). A test that still runs out of this is stuck, not slow.
 */
export function workTimeout(work: { processes?: number; objects?: number; mebibytes?: number }): number {
  return 20_000 + (work.processes ?? 0) * 15_000 + (work.objects ?? 0) * 50 + (work.mebibytes ?? 0) * 200;
}
