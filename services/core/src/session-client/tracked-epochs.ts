import { BasicPooledClientSideCache } from 'redis';

/** The one call the epochs make on their cluster client: a GET through its client-side cache. */
export interface TrackedGet {
  get(key: string): Promise<unknown>;
}

/**
 * Invalidation epochs read from memory. It is node-redis's client-side cache for the edge's
 * session cluster (pass it as `clientSideCache` of a RESP3 `createCluster()`), so Redis tracks
 * every key read through it and node-redis empties it when a connection drops, as before.
 * Beside that cache it keeps the epochs themselves in a plain map: a hit is one synchronous
 * lookup instead of a cluster command through the cache (slot, parser, clone), which cost the
 * edge more CPU per request than all its other near-cache work. Whatever empties or invalidates
 * node-redis's cache empties or invalidates the map too.
 */
export class TrackedEpochs extends BasicPooledClientSideCache {
  readonly #epochs = new Map<string, string | null>();
  #changes = 0;
  #disabled = false;
  /** Told the key of each invalidation Redis pushes (not of a flush): `measureEpochPropagation`. */
  onInvalidated: ((key: string) => void) | undefined;

  /** The epoch at `key`: from memory, or read through the cluster and then remembered. */
  read(cluster: TrackedGet, key: string): string | null | Promise<string | null> {
    const known = this.#epochs.get(key);
    return known !== undefined ? known : this.#load(cluster, key);
  }

  /** How many epochs are held in memory. */
  get heldEpochs(): number {
    return this.#epochs.size;
  }

  async #load(cluster: TrackedGet, key: string): Promise<string | null> {
    // Kept only if nothing was invalidated or emptied while the read was in flight: an
    // invalidation that arrives with the reply may be for this very value.
    const changesBefore = this.#changes;
    const value = await cluster.get(key);
    const epoch = value === null ? null : String(value);
    if (!this.#disabled && changesBefore === this.#changes) {
      if (this.maxEntries > 0 && this.#epochs.size >= this.maxEntries) {
        this.#epochs.delete(this.#epochs.keys().next().value as string);
      }
      this.#epochs.set(key, epoch);
    }
    return epoch;
  }

  override invalidate(key: Parameters<BasicPooledClientSideCache['invalidate']>[0]): void {
    this.#changes++;
    if (key === null) this.#epochs.clear();
    else {
      this.#epochs.delete(key.toString());
      this.onInvalidated?.(key.toString());
    }
    super.invalidate(key);
  }

  override clear(resetStats?: boolean): void {
    this.#changes++;
    this.#epochs.clear();
    super.clear(resetStats);
  }

  // node-redis turns its cache off while it rediscovers the cluster's slots.
  override disable(): void {
    this.#disabled = true;
    this.clear(false);
    super.disable();
  }

  override enable(): void {
    this.#disabled = false;
    super.enable();
  }
}
