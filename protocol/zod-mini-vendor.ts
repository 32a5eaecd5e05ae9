/**
 * The part of zod's functional API (zod/mini) the agent's config uses, and nothing else:
 * protocol/zod.ts loads it (zodMini()) for agent/config/schema.ts. A zod/mini schema is one object
 * with its checks beside it, where the chained API of zod-vendor.ts makes a copy of the schema,
 * with some forty methods of its own, at every `.min()` or `.default()`: the config's schema is
 * built in a third of the time, from 45 KB of bundled zod instead of 157 KB (docs/startup.md). The
 * bundle (scripts/bundle.ts) builds each vendor into a file of its own, each with zod's core trimmed
 * to what it uses; a command that needs both (export, script, fleet) loads both, and zod keeps its
 * settings in one global, so either's schemas work with the other's.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini carries no messages of its own: English, as the full zod sets when it loads
config(en());

export {
  _default,
  boolean,
  enum,
  int,
  maximum,
  maxLength,
  minimum,
  minLength,
  number,
  optional,
  positive,
  prefault,
  record,
  refine,
  regex,
  strictObject,
  string,
  superRefine,
  trim,
  tuple,
  union,
  unknown,
} from 'zod/mini';
