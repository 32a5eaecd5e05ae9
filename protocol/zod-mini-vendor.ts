/**
 * The part of zod's functional API (zod/mini) the agent's config uses, and nothing else:
 * protocol/zod.ts loads it (zodMini()) for agent/config/schema.ts. A zod/mini schema is one object
 * with its checks beside it, where the chained API of zod-vendor.ts makes a copy of the schema,
 * with some forty methods of its own, at every `.min()` or `.default()`: the config's schema is
 * built in a third of the time, from 29 KB of zod instead of 100 KB (docs/startup.md). Both
 * vendors share zod's core (one copy in the bundle, scripts/bundle.ts), so a schema of one may
 * sit inside a schema of the other.
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
