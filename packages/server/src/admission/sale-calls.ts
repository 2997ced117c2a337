// The batched script calls of a sale (checkout.lua, purchase.lua), one in flight per sale.
//
//   ask(kind, sale, input) ──▶ lane of the sale ── waiting[kind]: [in, in, in]
//                                   │ no call out: sent at the end of the event-loop turn
//                                   │ a call out:  sent when it answers
//                                   ▼
//            one script call per kind (more when over its maxPerCall), decided in the order asked
//
// Under load each call carries what arrived during the last round trip, so the calls (a socket
// write and read here, a script run in Redis) grow fewer as the load grows. The lanes are per
// sale: on a Redis Cluster a slow node holding one sale's call does not hold up another sale's.
// With `isSlotShared` the kinds of a sale share one lane (a call of either kind out holds both);
// without, each kind of each sale has its own.

/** One batched script: how a batch is sent, and how each of its replies is read. */
export type BatchedCall<Input, Output> = {
  /** Most inputs in one call: a turn with more sends several, so no call runs long. */
  maxPerCall: number;
  /** Sends one call for `inputs` (all of one sale); resolves to one reply per input, in order. */
  send: (saleId: number, inputs: readonly Input[]) => Promise<readonly unknown[]>;
  /** One input's decision from its reply (undefined when the script answered too few); throws if unreadable. */
  decode: (reply: unknown) => Output;
};

type AnyCall = BatchedCall<never, unknown>;
type InputOf<C> = C extends BatchedCall<infer I, unknown> ? I : never;
type OutputOf<C> = C extends BatchedCall<never, infer O> ? O : never;

type Waiting = { input: unknown; resolve: (output: unknown) => void; reject: (error: unknown) => void };

type Lane = {
  saleId: number;
  key: string;
  callsOut: number;
  isDue: boolean;
  /** By kind, in the order asked. */
  waiting: Map<string, Waiting[]>;
};

export function createSaleCalls<Kinds extends Record<string, AnyCall>>(
  kinds: Kinds,
  options: { isSlotShared: boolean },
) {
  const lanes = new Map<string, Lane>();
  // Lanes with something waiting and no call out: flushed together at the end of the turn.
  const due = new Set<Lane>();

  const flushDue = () => {
    const lanesDue = [...due];
    due.clear();
    for (const lane of lanesDue) {
      lane.isDue = false;
      flush(lane);
    }
  };

  const flush = (lane: Lane) => {
    if (lane.callsOut > 0) return; // sent when the calls out answer
    const batches = [...lane.waiting];
    lane.waiting.clear();
    for (const [kind, batch] of batches) {
      const { maxPerCall } = kinds[kind]!;
      for (let from = 0; from < batch.length; from += maxPerCall) {
        send(lane, kind, batch.slice(from, from + maxPerCall));
      }
    }
  };

  const send = (lane: Lane, kind: string, batch: readonly Waiting[]) => {
    const call = kinds[kind]!;
    lane.callsOut += 1;
    call
      .send(
        lane.saleId,
        batch.map((w) => w.input as never),
      )
      .then(
        (replies) => {
          answered(lane);
          for (let i = 0; i < batch.length; i++) {
            try {
              batch[i]!.resolve(call.decode(replies[i]));
            } catch (error) {
              batch[i]!.reject(error);
            }
          }
        },
        (error: unknown) => {
          answered(lane);
          for (const waiting of batch) waiting.reject(error);
        },
      );
  };

  const answered = (lane: Lane) => {
    lane.callsOut -= 1;
    if (lane.callsOut > 0) return;
    if (lane.waiting.size > 0) flush(lane);
    else if (!lane.isDue) lanes.delete(lane.key);
  };

  return {
    /** The decision for `input`, sent with the others of its sale (and kind) as described above. */
    ask<K extends keyof Kinds & string>(
      kind: K,
      saleId: number,
      input: InputOf<Kinds[K]>,
    ): Promise<OutputOf<Kinds[K]>> {
      const key = options.isSlotShared ? String(saleId) : `${kind}:${saleId}`;
      let lane = lanes.get(key);
      if (lane === undefined) {
        lane = { saleId, key, callsOut: 0, isDue: false, waiting: new Map() };
        lanes.set(key, lane);
      }
      let batch = lane.waiting.get(kind);
      if (batch === undefined) {
        batch = [];
        lane.waiting.set(kind, batch);
      }
      const queue = batch;
      const decided = new Promise<OutputOf<Kinds[K]>>((resolve, reject) => {
        queue.push({ input, resolve: resolve as (output: unknown) => void, reject });
      });
      if (lane.callsOut === 0 && !lane.isDue) {
        lane.isDue = true;
        if (due.size === 0) setImmediate(flushDue);
        due.add(lane);
      }
      return decided;
    },
  };
}
