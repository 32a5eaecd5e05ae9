/**
 * The installed package: its root directory (found by walking up from this file to the
 * package.json named pos-agent, as this file sits at a different depth in the sources (agent/), the
 * compiled tree (dist/agent/) and the bundle (dist/bin/chunks/)) and its version. Data files the
 * agent reads at run time (the message catalogs) are found from the root, so the three layouts
 * read the same files and the build copies nothing.
 */
import { readFileSync } from 'node:fs';

let root: { dir: URL; version: string } | null | undefined;

function findRoot(): { dir: URL; version: string } | null {
  if (root !== undefined) return root;
  let dir = new URL('./', import.meta.url);
  for (let up = 0; up < 6; up++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'pos-agent' && typeof pkg.version === 'string')
        return (root = { dir, version: pkg.version });
    } catch {
      // no package.json here, or not readable: look one level up
    }
    dir = new URL('../', dir);
  }
  return (root = null);
}

/** The package's root directory (a file: URL ending in /); an Error when it cannot be found. */
export function packageRoot(): URL {
  const found = findRoot();
  if (found === null) throw new Error('the pos-agent package.json was not found above ' + import.meta.url);
  return found.dir;
}

/** The package's version; 0.0.0 when its package.json cannot be found. */
export function agentVersion(): string {
  return findRoot()?.version ?? '0.0.0';
}
