/**
 * Opens the configured display for the agent. Interim: a plain renderer until hardware/display's
 * drivers land; `none` shows nothing.
 */
import { openSync, writeSync } from 'node:fs';
import type { AgentConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { ScreenSink } from '../pipeline/pipeline.js';
import type { Screen } from '../pipeline/screens.js';

export interface DisplayOptions {
  /** 'null' renders into /dev/null (benchmarks measure the rendering, not the terminal). */
  output?: 'stdout' | 'null';
}

export type AgentDisplay = ScreenSink & { close(): Promise<void> };

export async function openDisplay(cfg: AgentConfig, _log: Logger, opts: DisplayOptions = {}): Promise<AgentDisplay> {
  if (cfg.display.driver === 'none') return { show: () => {}, close: async () => {} };
  const fd = opts.output === 'null' ? openSync('/dev/null', 'w') : 1;
  return {
    show(screen: Screen) {
      const lines = [screen.title, ...(screen.pages[0] ?? [])];
      writeSync(fd, `${lines.join('\n')}\n\n`);
    },
    close: async () => {},
  };
}
