import type { Tiers } from '../edge/edge-bench-targets.ts';

/** A server under test, started and signed in to: what the benchmark loads, and how to end it. */
export interface StartedTarget {
  /** The "who is this session" request. */
  url: string;
  headers: Record<string, string>;
  /** The processes whose CPU per request is read during the run. */
  tiers: Tiers;
  /** Median ms of a password sign-in, one at a time. */
  signInMs: number;
  /** Resident memory after the run, MiB: the server's processes, and the data stores it uses. */
  memory(): { server: number | null; stores: number | null };
  stop(): Promise<void>;
}
