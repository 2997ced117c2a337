// A batched script (checkout.lua, purchase.lua) called with a few calls in flight per sale.
//
//   ask(sale, input) ──▶ lane of the sale: waiting [in, in, in]
//                            │ sendAt waiting and a call slot free: sent at once
//                            │ fewer, a slot free:  sent at the end of the event-loop turn
//                            │ no slot free:        sent when a call answers
//                            ▼
//        one script call (several when over maxPerCall), decided in the order asked
//
// Under load each call carries what arrived since the last was sent, so calls grow as the load
// grows and Redis spends less per input. Requests come in bursts (a group commit answers many at
// once, and their clients ask again together): a burst's first inputs go out as soon as sendAt of
// them have arrived, so Redis decides them while the rest are still being read, and the second
// call slot lets the rest go out while the first is in flight, not after it. Calls of one sale go
// over one connection (one node on a Redis Cluster), so Redis runs them in the order sent. The
// lanes are per sale, so on a Redis Cluster a slow node holding one sale's call holds up no other
// sale's; and per script, so a sale's purchases do not wait for its checkout calls.

/** One batched script: how a batch is sent, and how each of its replies is read. */
export type BatchedCall<Input, Output> = {
  /** Most inputs in one call: a turn with more sends several, so no call runs long. */
  maxPerCall: number;
  /** Calls of one sale in flight at once; more are sent when one answers. */
  maxCallsOut: number;
  /** Inputs waiting that are sent at once (a call slot free) instead of at the end of the turn. */
  sendAt: number;
  /** Sends one call for `inputs` (all of one sale); resolves to one reply per input, in order. */
  send: (saleId: number, inputs: readonly Input[]) => Promise<readonly unknown[]>;
  /** One input's decision from its reply (undefined when the script answered too few); throws if unreadable. */
  decode: (reply: unknown, input: Input) => Output;
  /** Told of each call once it answered or failed: how many inputs it carried and how long it took. */
  onCall?: (inputs: number, seconds: number) => void;
};

type Waiting<Input, Output> = {
  input: Input;
  resolve: (output: Output) => void;
  reject: (error: unknown) => void;
};

type Lane<Input, Output> = {
  saleId: number;
  callsOut: number;
  /** In the list sent at the end of the turn. */
  isDue: boolean;
  waiting: Waiting<Input, Output>[];
};

/** `ask(saleId, input)` resolves to the input's decision, sent with the others of its sale as drawn above. */
export function createSaleCalls<Input, Output>(call: BatchedCall<Input, Output>) {
  const lanes = new Map<number, Lane<Input, Output>>();
  // Lanes with something waiting: sent together at the end of the turn if a call slot is free.
  const due: Lane<Input, Output>[] = [];

  const flushDue = () => {
    for (const lane of due.splice(0)) {
      lane.isDue = false;
      if (lane.callsOut < call.maxCallsOut) flush(lane);
      if (lane.callsOut === 0 && lane.waiting.length === 0) lanes.delete(lane.saleId);
    }
  };

  const flush = (lane: Lane<Input, Output>) => {
    const batch = lane.waiting;
    if (batch.length === 0) return; // sent early in the turn
    lane.waiting = [];
    for (let from = 0; from < batch.length; from += call.maxPerCall) {
      send(lane, batch.slice(from, from + call.maxPerCall));
    }
  };

  const send = (lane: Lane<Input, Output>, batch: readonly Waiting<Input, Output>[]) => {
    lane.callsOut += 1;
    const startedMs = performance.now();
    const done = () => call.onCall?.(batch.length, (performance.now() - startedMs) / 1000);
    call
      .send(
        lane.saleId,
        batch.map((w) => w.input),
      )
      .then(
        (replies) => {
          done();
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
          done();
          answered(lane);
          for (const waiting of batch) waiting.reject(error);
        },
      );
  };

  // A slot is free: what waited for it goes now, before this call's inputs are answered (unless the
  // turn's end sends it anyway).
  const answered = (lane: Lane<Input, Output>) => {
    lane.callsOut -= 1;
    if (lane.waiting.length > 0) {
      if (!lane.isDue && lane.callsOut < call.maxCallsOut) flush(lane);
    } else if (lane.callsOut === 0 && !lane.isDue) lanes.delete(lane.saleId);
  };

  return (saleId: number, input: Input): Promise<Output> =>
    new Promise<Output>((resolve, reject) => {
      let lane = lanes.get(saleId);
      if (lane === undefined) {
        lane = { saleId, callsOut: 0, isDue: false, waiting: [] };
        lanes.set(saleId, lane);
      }
      lane.waiting.push({ input, resolve, reject });
      if (lane.callsOut >= call.maxCallsOut) return; // sent when a call answers
      if (lane.waiting.length >= call.sendAt) flush(lane);
      else if (!lane.isDue) {
        lane.isDue = true;
        if (due.length === 0) setImmediate(flushDue);
        due.push(lane);
      }
    });
}
