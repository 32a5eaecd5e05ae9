/**
 * System tools the tests drive (socat, tmux): found on the PATH. A missing one FAILS the test under
 * CI=true (.ci/run installs it) and lets it skip elsewhere.
 */
import { execFileSync } from 'node:child_process';

/** The tool's path, or null when it is not installed. */
export function toolPath(name: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** True when the tool is here. Throws when it is missing under CI=true; false lets a test skip. */
export function requireTool(name: string): boolean {
  if (toolPath(name)) return true;
  if (process.env.CI === 'true')
    throw new Error(`${name} is required under CI=true (apt-get install -y ${name})`);
  return false;
}
