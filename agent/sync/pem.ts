/** A TLS setting is either the PEM text itself or the path of a PEM file: the text either way. */
import { readFileSync } from 'node:fs';

export function readPem(v: string | undefined): string | undefined {
  if (v === undefined || v === '') return undefined;
  return v.includes('-----BEGIN') ? v : readFileSync(v, 'utf8');
}
