/**
 * The part of zod this program uses, and nothing else. protocol/zod.ts loads this module, never the
 * package as a whole: the bundle (scripts/bundle.ts) builds it into a file of its own with only
 * these members, which loads in ~15 ms where all of zod (every schema type, every locale) takes
 * ~65 ms, most of the agent's start-up (docs/startup.md). A member missing here is a type error at
 * its use: add it to the list.
 */
export {
  array,
  boolean,
  coerce,
  discriminatedUnion,
  enum,
  literal,
  null,
  number,
  object,
  partialRecord,
  prettifyError,
  record,
  strictObject,
  string,
  toJSONSchema,
  tuple,
  union,
  unknown,
} from 'zod';
