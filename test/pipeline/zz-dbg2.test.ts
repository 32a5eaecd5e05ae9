import { it } from 'vitest';
import { buildScript } from '../../hardware/simulator/index.js';
it('dbg', () => {
  const steps = buildScript({ scenario: 'noise', framing: 'line', seed: 11 }, 600);
  const needle = Buffer.from('460579').toString('hex');
  steps.forEach((s, i) => { if (s.bytes.toString('latin1').toLowerCase().includes(needle)) { for (const t of steps.slice(Math.max(0,i-1), i+3)) console.log(t.index, t.label, JSON.stringify(t.link).slice(0,150), JSON.stringify(t.outcome)); } });
});
