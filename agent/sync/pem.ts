/**
 * A TLS setting is either the PEM text itself or the path of a PEM file: the text either way. A
 * value or file that is not PEM is refused with a FileProblem that names the file and says why,
 * never what it holds (it may be a bare private key, or any file at all).
 */
import { FileProblem, looksLikeContent, readTextFile } from '../config/data-file.js';

/** At least one complete block: -----BEGIN X----- ... -----END X-----. */
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/;
/** Certificates and keys are a few KB; a CA bundle some hundreds. */
const MAX_PEM_BYTES = 1024 * 1024;

export function readPem(v: string | undefined): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (v.includes('-----BEGIN')) {
    if (!PEM_BLOCK.test(v))
      throw new FileProblem('(inline)', 'inline PEM text without a complete BEGIN/END block');
    return v;
  }
  // not a path (several lines, a pasted base64 key): never used as one, where it would be echoed
  if (looksLikeContent(v)) throw new FileProblem('(inline)', 'neither PEM text nor a file path');
  const text = readTextFile(v, MAX_PEM_BYTES);
  if (!PEM_BLOCK.test(text)) throw new FileProblem(v, 'not a PEM file (no -----BEGIN ... -----END block)');
  return text;
}
