// One candidate execution, as the cat interpreter reads it.
//
// Events are numbered by their index in `events`. An event has a thread (-1 for the initial writes),
// a kind, annotation tags and, for memory events, a location. The kind names a predefined event set:
// 'R', 'W' and 'F' as in herd; any other kind (the lock events 'LKR', 'LKW', 'UL', 'LF', 'RL', 'RU' of
// lock.cat, and later hardware kinds such as translation-table reads, hardware updates or TLBIs) is the
// set of that name and is *not* in R or W unless the model puts it there (lock.cat does, for locks).
// `sets` adds an event to further predefined sets (e.g. 'RMW' for the events of an RMW instruction).

export type Pair = readonly [number, number];

export interface CatEvent {
  /** -1 for the initial writes. */
  thread: number;
  kind: string;
  /** Annotations from the .def file, without the quote: 'once → 'ONCE' etc., as the bell's enums spell them. */
  tags?: readonly string[];
  /** Memory location (undefined for fences). */
  loc?: string;
  value?: number | bigint;
  /** Further predefined sets this event belongs to, e.g. 'RMW', 'FW'. */
  sets?: readonly string[];
}

export interface CatExecution {
  events: readonly CatEvent[];
  /** Program order; default: events of the same thread (not -1) in index order. */
  po?: readonly Pair[];
  rf: readonly Pair[];
  /**
   * Coherence order (transitive or not; it is closed transitively). When absent, the model's own
   * `with co from …` (cos-opt.cat: every linearisation extending the observed order) is enumerated.
   */
  co?: readonly Pair[];
  rmw?: readonly Pair[];
  addr?: readonly Pair[];
  data?: readonly Pair[];
  ctrl?: readonly Pair[];
  /**
   * Values for the model's `with NAME from …` choices, as relations. A choice not given here is
   * enumerated from the model's expression (each alternative is tried). `co` defaults to `co` above.
   */
  choices?: Readonly<Record<string, readonly Pair[]>>;
}
