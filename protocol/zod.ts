/**
 * zod, loaded on first use, one copy for the whole program. zod is about 95 modules (it loads every
 * locale) and costs about as much as a bare node start; `explain` and `decode` validate nothing, so
 * the modules that check user input (overrides, dialect files) build their schemas on first use.
 * It is require()d, zod's CommonJS build, because import() is asynchronous and the validators are
 * not. Every module of ours takes zod from here (`import type` from 'zod' for types only), so the
 * program never holds two copies.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';

let loaded: typeof Zod.z | undefined;

/** The `z` namespace of zod, loaded by the first call. */
export function zod(): typeof Zod.z {
  return (loaded ??= (createRequire(import.meta.url)('zod') as typeof Zod).z);
}

/** A value made by its first use: `const schema = lazy(() => zod().object(...))`. */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
