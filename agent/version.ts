/**
 * The agent's version, from the package.json of the installed package: found by walking up from
 * this file, which sits at a different depth in the compiled tree (dist/agent/) and in the bundle
 * (dist/bin/chunks/).
 */
import { readFileSync } from 'node:fs';

let known: string | undefined;

export function agentVersion(): string {
  if (known !== undefined) return known;
  let dir = new URL('./', import.meta.url);
  for (let up = 0; up < 6; up++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'pos-agent' && typeof pkg.version === 'string') return (known = pkg.version);
    } catch {
      // no package.json here, or not readable: look one level up
    }
    dir = new URL('../', dir);
  }
  return (known = '0.0.0');
}
