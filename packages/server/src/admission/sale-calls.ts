// A batched script (checkout.lua, purchase.lua) called with one call in flight per sale.
//
//   ask(sale, input) ──▶ lane of the sale: waiting [in, in, in]
//                            │ no call out: sent at the end of the event-loop turn
//                            │ a call out:  sent when it answers
//                            ▼
//        one script call (several when over maxPerCall), decided in the order asked
//
// Under load each call carries what arrived during the last round trip, so the calls (a socket
// write and read here, a script run in Redis) grow fewer as the load grows. The lanes are per
// sale, so on a Redis Cluster a slow node holding one sale's call holds up no other sale's; and
// per script, so a sale's purchases do not wait for its checkout call (nor the reverse): sharing
// one slot for both measured no less CPU per purchase, and would add up to a round trip of wait.

/** One batched script: how a batch is sent, and how each of its replies is read. */
export type BatchedCall<Input, Output> = {
  /** Most inputs in one call: a turn with more sends several, so no call runs long. */
  maxPerCall: number;
  /** Sends one call for `inputs` (all of one sale); resolves to one reply per input, in order. */
  send: (saleId: number, inputs: readonly Input[]) => Promise<readonly unknown[]>;
  /** One input's decision from its reply (undefined when the script answered too few); throws if unreadable. */
  decode: (reply: unknown, input: Input) => Output;
};

type Waiting<Input, Output> = {
  input: Input;
  resolve: (output: Output) => void;
  reject: (error: unknown) => void;
};

type Lane<Input, Output> = {
  saleId: number;
  callsOut: number;
  isDue: boolean;
  waiting: Waiting<Input, Output>[];
};

/** `ask(saleId, input)` resolves to the input's decision, sent with the others of its sale as drawn above. */
export function createSaleCalls<Input, Output>(call: BatchedCall<Input, Output>) {
  const lanes = new Map<number, Lane<Input, Output>>();
  // Lanes with something waiting and no call out: flushed together at the end of the turn.
  const due: Lane<Input, Output>[] = [];

  const flushDue = () => {
    for (const lane of due.splice(0)) {
      lane.isDue = false;
      flush(lane);
    }
  };

  const flush = (lane: Lane<Input, Output>) => {
    const batch = lane.waiting;
    lane.waiting = [];
    for (let from = 0; from < batch.length; from += call.maxPerCall) {
      send(lane, batch.slice(from, from + call.maxPerCall));
    }
  };

  const send = (lane: Lane<Input, Output>, batch: readonly Waiting<Input, Output>[]) => {
    lane.callsOut += 1;
    call
      .send(
        lane.saleId,
        batch.map((w) => w.input),
      )
      .then(
        (replies) => {
          answered(lane);
          for (let i = 0; i < batch.length; i++) {
            try {
              batch[i]!.resolve(call.decode(replies[i], batch[i]!.input));
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

  const answered = (lane: Lane<Input, Output>) => {
    lane.callsOut -= 1;
    if (lane.callsOut > 0) return; // the rest of the turn's calls are still out
    if (lane.waiting.length > 0) flush(lane);
    else lanes.delete(lane.saleId);
  };

  return (saleId: number, input: Input): Promise<Output> =>
    new Promise<Output>((resolve, reject) => {
      let lane = lanes.get(saleId);
      if (lane === undefined) {
        lane = { saleId, callsOut: 0, isDue: false, waiting: [] };
        lanes.set(saleId, lane);
      }
      lane.waiting.push({ input, resolve, reject });
      if (lane.callsOut === 0 && !lane.isDue) {
        lane.isDue = true;
        if (due.length === 0) setImmediate(flushDue);
        due.push(lane);
      }
    });
}
