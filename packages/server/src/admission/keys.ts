// Every Redis key, built in one place. All keys of a sale share the `{sale:<id>}` hash tag, so a
// sale lives in one Redis Cluster slot and its scripts may touch all of them atomically; the two
// deployment-wide keys have tags of their own.

/** hash instance id → the sale settings it runs with (see instances.lua): not a sale's, one for the deployment. */
export const instancesKey = '{instances}';

/** Never written: only routes the TIME script, so that in a cluster every instance asks the same node. */
export const clockKey = '{clock}';

export type SaleKeys = {
  /** hash: size, user_limit, hold_ttl_ms, ends_at_ms, retain_until_ms. Its absence means "rebuild". */
  meta: string;
  /** hash item → buyer, for sold items */
  sold: string;
  /** hash item → code, for live holds */
  holds: string;
  /** sorted set item by hold deadline (ms), swept lazily by the scripts */
  deadlines: string;
  /** hash code → "item|user|expires_ms", for codes not purchased (live or lapsed) */
  codes: string;
  /** hash code → "purchase_id|item|user|slot|expires_ms|request_id", for codes that purchased */
  purchased: string;
  /** hash user → bit mask of the purchase slots the buyer owns */
  owned: string;
  /** hash user → number of live holds */
  held: string;
  /** sorted set code by admission time (ms): purchases admitted and not yet known durable */
  pending: string;
  /** string: the instance rebuilding this sale from Postgres */
  rebuildLock: string;
  /** string: the instance reconciling this sale */
  reconcileLock: string;
};

/** Every data key of a sale (not its locks), in the order the sale scripts take them as KEYS. */
export type SaleDataKeys = readonly [string, string, string, string, string, string, string, string, string];

const cache = new Map<number, { keys: SaleKeys; scriptKeys: SaleDataKeys }>();

export function saleKeys(saleId: number): SaleKeys {
  return entry(saleId).keys;
}

export function saleDataKeys(saleId: number): SaleDataKeys {
  return entry(saleId).scriptKeys;
}

function entry(saleId: number) {
  let found = cache.get(saleId);
  if (found === undefined) {
    const tag = `{sale:${saleId}}`;
    const keys: SaleKeys = {
      meta: `${tag}:meta`,
      sold: `${tag}:sold`,
      holds: `${tag}:holds`,
      deadlines: `${tag}:deadlines`,
      codes: `${tag}:codes`,
      purchased: `${tag}:purchased`,
      owned: `${tag}:owned`,
      held: `${tag}:held`,
      pending: `${tag}:pending`,
      rebuildLock: `${tag}:rebuild-lock`,
      reconcileLock: `${tag}:reconcile-lock`,
    };
    const scriptKeys: SaleDataKeys = [
      keys.meta,
      keys.sold,
      keys.holds,
      keys.deadlines,
      keys.codes,
      keys.purchased,
      keys.owned,
      keys.held,
      keys.pending,
    ];
    found = { keys, scriptKeys };
    if (cache.size > 1000) cache.clear(); // sales are hourly; old ones are rarely asked for again
    cache.set(saleId, found);
  }
  return found;
}
