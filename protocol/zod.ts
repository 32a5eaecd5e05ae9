/**
 * zod, loaded on first use, one copy for the whole program. `explain` and `decode` validate
 * nothing, so the modules that check user input (config, overrides, dialect files, records)
 * build their schemas on first use. It is loaded with require() because import() is
 * asynchronous and the validators are not; what is loaded is protocol/zod-vendor.ts, the members
 * we use (in the bundle, a file of its own with only those: ~15 ms instead of ~65 ms), or, for the
 * agent's config, protocol/zod-mini-vendor.ts (zod's functional API, quicker to build). Every
 * module of ours takes zod from here (`import type` from 'zod' for types only).
 */
import { createRequire } from 'node:module';
import type * as Members from './zod-vendor.js';
import type * as MiniMembers from './zod-mini-vendor.js';

export type ZodMembers = typeof Members;
export type ZodMiniMembers = typeof MiniMembers;

let loaded: ZodMembers | undefined;
let loadedMini: ZodMiniMembers | undefined;

/** zod's members that we use (the `z` namespace, trimmed), loaded by the first call. */
export function zod(): ZodMembers {
  return (loaded ??= load<ZodMembers>('./zod-vendor.js', 'zod'));
}

/** The members of zod's functional API (zod/mini) that the config uses, loaded by the first call. */
export function zodMini(): ZodMiniMembers {
  return (loadedMini ??= load<ZodMiniMembers>('./zod-mini-vendor.js', 'zod/mini'));
}

function load<T>(vendor: string, pkg: string): T {
  const req = createRequire(import.meta.url);
  try {
    // the same relative name finds dist/protocol/zod-vendor.js from the compiled tree and
    // dist/bin/chunks/zod-vendor.js from the bundle's chunks
    return req(vendor) as T;
  } catch (e) {
    // run from the TypeScript sources (the tests): the package itself has every member
    if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    const members = req(pkg) as T & { config?: (c: unknown) => void };
    // zod/mini has no messages until told (the vendor module tells it when it loads)
    if (pkg === 'zod/mini')
      members.config?.((req('zod/v4/locales/en.js') as { default: () => unknown }).default());
    return members;
  }
}

/** A value made by its first use: `const schema = lazy(() => zod().object(...))`. */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
