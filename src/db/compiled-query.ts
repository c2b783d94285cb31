import { createQueryId, type Compilable, type CompiledQuery, type Kysely } from 'kysely';

/** A value no caller passes: it marks where an argument lands among a compiled query's parameters. */
const PLACEHOLDER = `\u0000compiled-query-argument\u0000${Math.random().toString(36).slice(2)}\u0000`;

/** Only these are bound as they are; anything else (an expression, an array) could change the SQL. */
export type Bindable = string | number | bigint | null;

interface Compiled<O> {
  query: CompiledQuery<O>;
  /** For each parameter of the compiled query: the argument it takes, or null (a constant of the query). */
  slots: (number | null)[];
}

/**
 * A query whose SQL does not depend on the values it is run with, built and compiled by kysely once per
 * connection (or transaction) and then run with other values. Building and compiling a small query (its
 * plugins' renaming included) cost the ingest's main thread several times what SQLite takes to run it, for
 * the few lookups every file makes. The SQL is kysely's, for every dialect: only the work is saved.
 *
 * `build` receives a placeholder for each argument, and must use each only as a bound value (a `where`
 * comparison, a `set` value), never to choose the query's shape: the placeholders are then replaced, in
 * the compiled parameters, by the arguments of each run. An argument that does not reach the parameters
 * is refused (the query would silently ignore it).
 */
export class CompiledOnce<DB, A extends Bindable[], O> {
  private readonly compiled = new WeakMap<object, Compiled<O>>();

  constructor(private readonly build: (db: Kysely<DB>, ...args: A) => Compilable<O>) {}

  /** The rows (for a statement without RETURNING, none), with the plugins' result transformations applied. */
  async execute(db: Kysely<DB>, ...args: A): Promise<O[]> {
    const { query, slots } = this.compiledFor(db, args.length);
    const parameters = query.parameters.map((value, i) => {
      const slot = slots[i]!;
      return slot === null ? value : args[slot];
    });
    const result = await db.executeQuery<O>({ ...query, parameters, queryId: createQueryId() });
    return result.rows;
  }

  async executeTakeFirst(db: Kysely<DB>, ...args: A): Promise<O | undefined> {
    return (await this.execute(db, ...args))[0];
  }

  private compiledFor(db: Kysely<DB>, arity: number): Compiled<O> {
    let compiled = this.compiled.get(db);
    if (compiled === undefined) {
      const placeholders = Array.from({ length: arity }, (_, i) => `${PLACEHOLDER}${i}`) as A;
      const query = this.build(db, ...placeholders).compile();
      const slots = query.parameters.map((value) =>
        typeof value === 'string' && value.startsWith(PLACEHOLDER)
          ? Number(value.slice(PLACEHOLDER.length))
          : null,
      );
      for (let i = 0; i < arity; i++) {
        if (!slots.includes(i))
          throw new Error(`argument ${i} of a compiled query is not one of its parameters`);
      }
      compiled = { query, slots };
      this.compiled.set(db, compiled);
    }
    return compiled;
  }
}

/** Whether every value is one CompiledOnce binds as it is. */
export function allBindable(values: unknown[]): values is Bindable[] {
  return values.every(
    (value) =>
      value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint',
  );
}
