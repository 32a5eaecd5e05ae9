/**
 * Loading the configuration: defaults < config file (JSON or YAML) < environment (POS_AGENT_*)
 * < command-line flags. A bad value stops the start with ConfigError naming the key, the value
 * (masked for secrets) and the reason.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { holdsCardData } from '../../protocol/card/card-data.js';
import { redactUrl } from '../log.js';
import { FileProblem, looksLikeContent, readDataFile, showKey } from './data-file.js';
import { type AgentConfig, configSchema, SECRET_KEYS } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'E_CONFIG';
  readonly exitCode = 2;
  /**
   * `show: false` keeps the value out of the message (a key the schema does not know: its value
   * may be anything a foreign file holds).
   */
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly reason: string,
    opts: { show?: boolean } = {},
  ) {
    const shown = value === undefined || opts.show === false ? undefined : showValue(key, value);
    super(`config ${key}${shown === undefined ? '' : ` = ${shown}`}: ${reason}`);
  }
}

function isSecret(key: string): boolean {
  return (SECRET_KEYS as readonly string[]).includes(key);
}

function showValue(key: string, value: unknown): string | undefined {
  if (isSecret(key)) return '"***"';
  // a broker URL that is not a URL may be anything typed in its place (a password): not shown
  if (key === 'broker.url' && typeof value === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return undefined;
  const v = redactUrl(value);
  if (typeof v === 'string' && looksLikeContent(v)) return undefined;
  // a card number, track data or a security code typed in a setting's place (a merchant id, an
  // alert rule's scope): the error says what is wrong with it, never what it is; the message may
  // reach the portal, not only a terminal's stderr
  if (typeof v === 'string' && holdsCardData(v)) return undefined;
  if (v !== null && typeof v === 'object') {
    const json = visible(JSON.stringify(v));
    return json === undefined || looksLikeContent(json)
      ? undefined
      : json.length > 80
        ? `${json.slice(0, 77)}...`
        : json;
  }
  const s = visible(JSON.stringify(v));
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * JSON text with the characters JSON leaves as they are but a terminal acts on written as \u
 * escapes: bidi controls (which reorder the rest of the line) and C1 controls.
 */
function visible(json: string | undefined): string | undefined {
  return json?.replace(
    /[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; later wins. */
export function merge(...layers: Tree[]): Tree {
  const out: Tree = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] = isTree(prev) && isTree(v) ? merge(prev, v) : v;
    }
  }
  return out;
}

/** Sets a dotted key in a tree: set(t, 'broker.url', 'x'). */
export function setPath(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (!isTree(node[p])) node[p] = {};
    node = node[p] as Tree;
  }
  node[parts[parts.length - 1]!] = value;
}

function getPath(tree: unknown, path: (string | number | symbol)[]): unknown {
  let node = tree;
  for (const p of path) {
    if (!isTree(node)) return undefined;
    node = node[String(p)];
  }
  return node;
}

export function readConfigFile(file: string): Tree {
  let data: unknown;
  try {
    data = readDataFile(file);
  } catch (e) {
    if (e instanceof FileProblem) throw new ConfigError('--config', file, e.reason);
    throw e;
  }
  if (data === null || data === undefined) return {};
  if (!isTree(data))
    throw new ConfigError('(root)', undefined, 'the config file must hold an object of sections');
  // a file with keys but none of ours is some other file (a .env, a properties file that happens to
  // parse as YAML): its keys are not named, they may be what the file keeps private
  const keys = Object.keys(data);
  if (keys.length > 0 && !keys.some((k) => Object.hasOwn(configSchema.shape, k)))
    throw new ConfigError(
      '--config',
      file,
      `not a pos-agent config: none of its ${keys.length} top-level keys is a config section (${Object.keys(configSchema.shape).join(', ')})`,
    );
  return data;
}

/**
 * Environment overrides: POS_AGENT_<SECTION>_<KEY>=value, e.g. POS_AGENT_BROKER_URL,
 * POS_AGENT_TERMINAL_ID, POS_AGENT_FLEET. A value is converted by the type the schema gives its
 * key: to a number for a numeric key, to a boolean for a boolean one; a string key keeps the text
 * as it is (an all-digit merchant id, terminal id or password stays a string, leading zeros too).
 */
export function configFromEnv(env: NodeJS.ProcessEnv): Tree {
  const tree: Tree = {};
  const shape = configSchema.shape as Record<string, unknown>;
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('POS_AGENT_') || raw === undefined) continue;
    const rest = name.slice('POS_AGENT_'.length).toLowerCase();
    // match the longest section name that prefixes the variable
    const section = Object.keys(shape)
      .filter((s) => rest === s || rest.startsWith(`${s}_`))
      .sort((a, b) => b.length - a.length)[0];
    if (!section) continue;
    const key = rest === section ? section : `${section}.${rest.slice(section.length + 1)}`;
    setPath(tree, key, coerce(raw, acceptedTypes(key)));
  }
  return tree;
}

type Accepts = Set<'number' | 'boolean' | 'string' | 'other'>;

/** The primitive types the schema accepts at a dotted key (wrappers and unions looked through). */
function acceptedTypes(path: string): Accepts {
  const out: Accepts = new Set();
  let node: z.core.$ZodType | undefined = configSchema;
  for (const part of path.split('.')) {
    node = node && childOf(node, part);
  }
  if (node) collect(node, out);
  return out;
}

function defOf(t: z.core.$ZodType): { type: string } & Record<string, unknown> {
  return t._zod.def as unknown as { type: string } & Record<string, unknown>;
}

function unwrap(t: z.core.$ZodType): z.core.$ZodType {
  let cur = t;
  for (;;) {
    const d = defOf(cur);
    if (d.innerType && ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(d.type))
      cur = d.innerType as z.core.$ZodType;
    else if (d.type === 'pipe') cur = d.in as z.core.$ZodType;
    else return cur;
  }
}

function childOf(t: z.core.$ZodType, key: string): z.core.$ZodType | undefined {
  const d = defOf(unwrap(t));
  if (d.type === 'object') return (d.shape as Record<string, z.core.$ZodType>)[key];
  if (d.type === 'record') return d.valueType as z.core.$ZodType;
  return undefined;
}

function collect(t: z.core.$ZodType, out: Accepts): void {
  const d = defOf(unwrap(t));
  if (d.type === 'union') for (const o of d.options as z.core.$ZodType[]) collect(o, out);
  else if (d.type === 'number' || d.type === 'int') out.add('number');
  else if (d.type === 'boolean') out.add('boolean');
  else if (d.type === 'string' || d.type === 'enum') out.add('string');
  else out.add('other');
}

function coerce(raw: string, accepts: Accepts): unknown {
  if (accepts.has('string') || accepts.size === 0) return raw;
  if (accepts.has('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (accepts.has('number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  // not of the key's type: passed on as text, and the schema names the key and the reason
  return raw;
}

export interface LoadOptions {
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** CLI flags as a tree of config keys. */
  flags?: Tree;
}

export function loadConfig(opts: LoadOptions = {}): AgentConfig {
  const fromFile = opts.file ? readConfigFile(opts.file) : {};
  const merged = merge(fromFile, configFromEnv(opts.env ?? {}), opts.flags ?? {});
  return validateConfig(merged);
}

export function validateConfig(tree: Tree): AgentConfig {
  // jitless: a config is checked once, and zod's compiled fast path (generated with new Function)
  // costs more to build than it saves on one parse: 8 ms → 3 ms of every start here
  const parsed = configSchema.safeParse(tree, { jitless: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  let key = issue.path.map(String).join('.') || '(root)';
  let reason = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    key = [...issue.path.map(String), keys[0] ?? '?'].join('.');
    reason = 'unknown key';
  }
  const value =
    issue.code === 'unrecognized_keys' ? getPath(tree, key.split('.')) : getPath(tree, issue.path);
  key = key.split('.').map(showKey).join('.');
  // an unknown key's value is not shown: it may come from a file that is not a config at all
  throw new ConfigError(key, value, reason, { show: issue.code !== 'unrecognized_keys' });
}

/** A value that reads as a file path (one line, no PEM marker, no base64 run). */
function isPlainPath(v: string): boolean {
  return !v.includes('-----BEGIN') && !looksLikeContent(v);
}

/** The effective config for display: secrets masked. */
export function redactConfig(cfg: AgentConfig): Tree {
  const copy = JSON.parse(JSON.stringify(cfg)) as Tree;
  for (const k of SECRET_KEYS) {
    if (getPath(copy, k.split('.')) !== undefined) setPath(copy, k, '***');
  }
  // a TLS setting may hold the PEM text itself: a private key is a secret, and no text is shown
  for (const k of ['ca', 'cert', 'key'] as const) {
    const v = getPath(copy, ['broker', k]);
    if (typeof v === 'string' && (k === 'key' ? !isPlainPath(v) : looksLikeContent(v)))
      setPath(copy, `broker.${k}`, k === 'key' ? '***' : '(PEM text)');
  }
  // a password can also sit inside the broker URL (mqtt://user:password@host)
  const url = getPath(copy, ['broker', 'url']);
  if (typeof url === 'string') setPath(copy, 'broker.url', redactUrl(url) as string);
  return copy;
}

/** sha256 of the effective config without secrets, first 16 hex chars (sent in the birth status). */
export function configHash(cfg: AgentConfig): string {
  return createHash('sha256')
    .update(JSON.stringify(redactConfig(cfg)))
    .digest('hex')
    .slice(0, 16);
}
