import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DB } from './schema.js';

/**
 * A query of fixed shape, built and compiled once per dialect and then run with
 * new parameters (ids, timestamps, text: strings, or null for a nullable column). Building and compiling a Kysely query
 * cost more CPU than SQLite takes to run a primary-key lookup: on the hottest
 * request paths (the signed-in check, an audited chart read, a vitals write) it was
 * about 29% of the server's samples in bench/throughput.ts (issue 10).
 *
 * `build` takes its parameters from `p(0)`, `p(1)`, …: placeholder strings that must
 * each be used as a bound value, as they are (never in `sql.raw`, never changed);
 * every other value in the query is a constant. The placeholders are found among the
 * compiled query's parameters and replaced on each run, so the SQL stays Kysely's.
 */
/** What a parameter takes: the placeholder stands for a string, or null where the column allows it. */
export type PreparedArg = string | null;

export interface PreparedQuery<O> {
  execute(db: Kysely<DB>, args: readonly PreparedArg[]): Promise<QueryResult<O>>;
}

interface Compiled<O> {
  readonly query: CompiledQuery<O>;
  /** Per compiled parameter: the index of the argument that fills it, or -1 for a constant. */
  readonly slots: readonly number[];
  readonly arity: number;
}

const PLACEHOLDER = '\u0000kt-prepared-parameter-';

function compile<O>(
  db: Kysely<DB>,
  build: (db: Kysely<DB>, p: (index: number) => string) => Compilable<O>,
): Compiled<O> {
  let arity = 0;
  const query = build(db, (index) => {
    arity = Math.max(arity, index + 1);
    return `${PLACEHOLDER}${index}`;
  }).compile();
  const slots = query.parameters.map((v) =>
    typeof v === 'string' && v.startsWith(PLACEHOLDER) ? Number(v.slice(PLACEHOLDER.length)) : -1,
  );
  for (let i = 0; i < arity; i++) {
    if (!slots.includes(i)) throw new Error(`prepareQuery: parameter ${i} is not a bound value`);
  }
  return { query, slots, arity };
}

export function prepareQuery<O>(
  build: (db: Kysely<DB>, p: (index: number) => string) => Compilable<O>,
): PreparedQuery<O> {
  // Keyed by the dialect's adapter, which a transaction or a connection shares with
  // the Kysely instance it came from: SQLite and PostgreSQL each compile once.
  // (`getExecutor` is marked internal in Kysely's typings but public and stable.)
  const byAdapter = new WeakMap<object, Compiled<O>>();
  return {
    async execute(db, args) {
      const adapter = db.getExecutor().adapter;
      let compiled = byAdapter.get(adapter);
      if (!compiled) {
        compiled = compile(db, build);
        byAdapter.set(adapter, compiled);
      }
      const { query, slots, arity } = compiled;
      if (args.length !== arity) {
        throw new Error(`prepareQuery: ${arity} parameters expected, ${args.length} given`);
      }
      const parameters = query.parameters.map((v, i) => {
        const slot = slots[i] ?? -1;
        return slot < 0 ? v : args[slot];
      });
      return await db.executeQuery({ ...query, parameters });
    },
  };
}
