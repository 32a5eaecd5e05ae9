/**
 * `npm run flood`: random bytes over the link into `pos-agent run` at the link's top speed, the
 * agent's RSS printed once a second (issue 9: RSS must stay under 150 MB). Exit 1 when the RSS
 * went over --max-rss-mb.
 *
 *   npm run flood -- [--link tcp|pty] [--framing line|binary] [--seconds 60] [--stderr read|stall]
 *                    [--max-rss-mb 150] [--json]
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { FRAMINGS, type FramingName } from '../protocol/framing/types.js';
import { runFlood } from './lib/flood.js';

const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
};
const o = new Command()
  .name('flood')
  .addOption(
    new Option('--link <kind>', 'tcp (no baud limit) or pty (socat)').choices(['tcp', 'pty']).default('tcp'),
  )
  .addOption(new Option('--framing <f>', 'the agent framing').choices(FRAMINGS).default('line'))
  .option('--seconds <n>', 'how long to flood', num, 60)
  .addOption(
    new Option('--stderr <mode>', "read the agent's log, or never read it (a stalled reader)")
      .choices(['read', 'stall'])
      .default('read'),
  )
  .option('--max-rss-mb <n>', 'fail (exit 1) above this RSS', num, 150)
  .option('--json', 'print one JSON object on the last line')
  .parse()
  .opts<{
    link: 'tcp' | 'pty';
    framing: FramingName;
    seconds: number;
    stderr: 'read' | 'stall';
    maxRssMb: number;
    json?: boolean;
  }>();

const r = await runFlood({
  link: o.link,
  framing: o.framing,
  seconds: o.seconds,
  stderr: o.stderr,
  onSample: (s) =>
    process.stdout.write(
      `t=${s.t}s rss=${s.rssMb.toFixed(1)}MB sent=${s.sentMb.toFixed(0)}MB log_lines=${s.logLines}\n`,
    ),
});
const ok = r.maxRssMb > 0 && r.maxRssMb <= o.maxRssMb;
process.stdout.write(
  `flood ${o.link}/${o.framing} ${o.seconds}s, stderr ${o.stderr}: sent ${r.sentMb.toFixed(0)} MB, max RSS ${r.maxRssMb.toFixed(1)} MB (limit ${o.maxRssMb}), ${r.logLines} log lines (${r.rejectLines} frame_rejected, ${r.suppressedCounted} more counted in summaries), agent exit ${r.exitCode}: ${ok ? 'OK' : 'FAIL'}\n`,
);
if (o.json) process.stdout.write(`${JSON.stringify({ ...o, ...r, samples: undefined, ok })}\n`);
process.exitCode = ok ? 0 : 1;
