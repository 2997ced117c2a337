// The run report: the file `--report` writes and `report merge` reads and writes. Its keys are
// snake_case like the rest of the wire formats; the conversion from the engine's camelCase
// happens once, in json.ts. Everything a plot needs (timeline, histograms) is in here.

/** Milliseconds, to the microsecond. */
export type Milliseconds = number;
/** Epoch milliseconds. */
export type EpochMilliseconds = number;

export const reportFormat = 'flashsale-sim-report@1';

/** Percentiles of response or service times, in ms; all 0 when nothing was recorded. */
export type LatencySummaryMs = Readonly<{
  count: number;
  mean: Milliseconds;
  p50: Milliseconds;
  p90: Milliseconds;
  p99: Milliseconds;
  p999: Milliseconds;
  max: Milliseconds;
}>;

export type OutcomeReport = Readonly<{
  count: number;
  /** count / run duration. */
  rate_per_s: number;
  /** Response time, from the intended send time (coordinated-omission corrected). */
  latency_ms: LatencySummaryMs;
  /** Service time, from the actual send (no wait in the client counted). */
  service_time_ms: LatencySummaryMs;
}>;

export type EndpointReport = Readonly<{
  requests: number;
  latency_ms: LatencySummaryMs;
  service_time_ms: LatencySummaryMs;
  /** Outcome code (success, replayed, sold_out, ..., timeout, connection) → count. */
  outcomes: Readonly<Record<string, number>>;
  by_outcome: Readonly<Record<string, OutcomeReport>>;
}>;

export type TimelineSecondReport = Readonly<{
  /** Seconds since started_at (after a merge: since the earliest start). */
  t: number;
  at_ms: EpochMilliseconds;
  /** Requests the schedule intended in this second. */
  target: number;
  sent: number;
  done: number;
  late: number;
  dropped: number;
  errors: number;
  in_flight: number;
  /** Response times of the requests done in this second; null when none was. */
  p50_ms: Milliseconds | null;
  p99_ms: Milliseconds | null;
  max_ms: Milliseconds | null;
  outcomes: Readonly<Record<string, number>>;
  /** New purchases acknowledged to the simulator so far. */
  purchases: number;
  /** Items sold per GET /sale; null when the sale was not watched. */
  items_sold: number | null;
  event_loop_lag_p99_ms: Milliseconds | null;
  faults: readonly string[];
  /** Encoded compressed HdrHistogram (µs) of this second's response times. */
  histogram: string;
}>;

export type FaultReport = Readonly<{ kind: string; at_ms: EpochMilliseconds; detail: string | null }>;

export type SaleReport = Readonly<{
  sale_id: number | null;
  size: number;
  /** `service` when GET /sale gave the size, `option` when --sale-size did. */
  size_source: 'service' | 'option';
  /** Items sold per the last GET /sale; null when the sale was not watched. */
  sold: number | null;
  /** New purchases acknowledged to the simulator. */
  purchases: number;
  /** Checkouts answered 200 (a re-checkout of a held item counts again). */
  holds: number;
  holds_abandoned: number;
  /** Items wanted by normal and heavy buyers of the sessions started, each capped at the user limit. */
  items_wanted: number;
  demand_supply_ratio: number;
  /** Time from started_at to the first and the last acknowledged new purchase. */
  first_sale_ms: Milliseconds | null;
  last_sale_ms: Milliseconds | null;
  /** Time from started_at to when GET /sale first said sold out; null if it never did (or was not watched). */
  sold_out_ms: Milliseconds | null;
  /** Items bought → number of (normal and heavy) buyer sessions. */
  items_per_buyer: Readonly<Record<string, number>>;
}>;

/**
 * One sale the run met: the answers that named it, GET /sale's readings of it, and how fast it
 * went. Times `*_ms` are since the sale opened (`starts_at`); null when unknown or never reached.
 */
export type SalePeriodReport = Readonly<{
  /** null: answers that named no sale (another implementation). */
  sale_id: number | null;
  /** The sale's period (ISO), or null when GET /sale did not give it. */
  starts_at: string | null;
  ends_at: string | null;
  /** The sale opened while the schedule was sending: its first second was measured. */
  opened_during_run: boolean;
  size: number;
  /** Items sold per the last GET /sale reading of this sale; null when never read. */
  sold: number | null;
  /** New purchases acknowledged to the simulator, answered with this sale's id. */
  purchases: number;
  holds: number;
  holds_abandoned: number;
  /**
   * Items wanted by the normal and heavy buyers whose session started while this sale was on, plus
   * what the buyers still shopping when it opened had yet to buy (each capped at the user limit).
   */
  items_wanted: number;
  demand_supply_ratio: number;
  /** From the opening to the first acknowledged purchase. */
  first_purchase_ms: Milliseconds | null;
  /** From the opening until this simulator's purchases reached half the sale size. */
  half_sold_ms: Milliseconds | null;
  /** From the opening until sold out: GET /sale said so, or this simulator bought every item. */
  sold_out_ms: Milliseconds | null;
  /** Response times of the requests intended in the sale's first second (when it opened during the run). */
  first_second_latency_ms: LatencySummaryMs | null;
  /** Seen sold out: verify may expect sell-out of this sale. */
  sellout_expected: boolean;
  histograms: Readonly<{
    /** Encoded HdrHistogram of when each new purchase was acknowledged, µs after the opening. */
    purchase_at_us: string;
    first_second_us: string;
  }>;
}>;

export type GeneratorReport = Readonly<{
  /** Dispatch minus intended time: the generator's own lag (timers, CPU). */
  schedule_lag_ms: LatencySummaryMs;
  /** Write minus intended time: adds the wait for a free connection. */
  send_lag_ms: LatencySummaryMs;
  event_loop_lag_ms: Readonly<{ p50: Milliseconds; p99: Milliseconds; max: Milliseconds }>;
  /** True when the generator itself could not keep the schedule: its figures are suspect. */
  is_saturated: boolean;
  warnings: readonly string[];
}>;

export type ReportConfig = Readonly<{
  /** The targets, comma-separated. */
  target: string;
  /** The target profile's name (`default`: this service); absent in reports of older versions. */
  profile?: string;
  /** Shards the run was split into (`--shard i/n`: n); `stages` is the rate of all of them together. */
  shards?: number;
  stages: readonly Readonly<{ duration_ms: Milliseconds; rps: number }>[];
  mix: Readonly<Record<string, number>>;
  scenario: unknown;
  seed: number;
  users: number;
  sale_size: number;
  user_limit: number;
  until_sellout: boolean;
  connections: number;
  max_in_flight: number;
  timeout_ms: Milliseconds;
  late_after_ms: Milliseconds;
  warm_up_ms: Milliseconds;
  thresholds: readonly string[];
  workers: number;
  /** Absent in reports written before GET /sale/items was read. */
  items_refresh_ms?: Milliseconds;
  report: string | null;
  ledger: string | null;
}>;

export type HistogramsReport = Readonly<{
  /** `endpoint.outcome` → encoded compressed HdrHistogram of response times (µs). */
  response_time_us: Readonly<Record<string, string>>;
  /** `endpoint.outcome` → encoded compressed HdrHistogram of service times (µs). */
  service_time_us: Readonly<Record<string, string>>;
  schedule_lag_us: string;
  send_lag_us: string;
}>;

export type SimReport = Readonly<{
  format: typeof reportFormat;
  run_id: string;
  /** This process's shard, or null for a whole population (one process, or a merge). */
  shard: Readonly<{ index: number; count: number }> | null;
  /** How many process reports this one adds up (1 unless merged). */
  merged_from: number;
  config: ReportConfig;
  started_at: string;
  ended_at: string;
  /** Length of the schedule (the planned duration, or less when stopped early). */
  duration_ms: Milliseconds;
  target_rps: number;
  achieved_rps: number;
  /** Slots the schedule gave out. */
  scheduled: number;
  /** Requests attempted: one ledger line each. */
  requests: number;
  /** Requests written more than late_after_ms after their intended time. */
  late: number;
  /** Slots never sent: too many in flight, or still queued when the run ended. */
  dropped: number;
  /** Requests whose outcome is an error: 5xx, unexpected answer, timeout, connection. */
  errors: number;
  max_in_flight: number;
  latency_ms: LatencySummaryMs;
  service_time_ms: LatencySummaryMs;
  by_endpoint: Readonly<{ checkout: EndpointReport; purchase: EndpointReport }>;
  timeline: readonly TimelineSecondReport[];
  histograms: HistogramsReport;
  generator: GeneratorReport;
  /** The whole run's sale figures: every sale it met added up (sale_id: the one on at the start). */
  sale: SaleReport;
  /** Each sale the run met, oldest first; absent in reports of older versions. */
  sales?: readonly SalePeriodReport[];
  faults: readonly FaultReport[];
  /** Demand exceeded supply (or the sale was seen sold out): verify may --expect-sellout. */
  sellout_expected: boolean;
  /** GET /sale requests, apart from the load. */
  monitor_requests: number;
  /** A person cut the run short (Ctrl-C): the load ended early. Absent in reports of older versions. */
  interrupted?: boolean;
}>;
