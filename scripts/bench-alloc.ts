/**
 * `npm run bench:alloc`: JavaScript heap bytes allocated per host response on the hot path, from
 * the chunk the serial stream hands over to the prompt shown: frameStream (the production framing,
 * line or binary) → Pipeline (decode, classify, prompt; a failure's record handed to a no-op
 * store). Cases: approvals and declines, line and binary framing; each response arrives as its
 * own chunk with its own STAN (so none is taken for a retransmission). An approval is measured
 * twice: to its prompt (no ledger), and with the approval handed on for the ledger after the
 * prompt, as the agent does (`approved+ledger`: the entry's fields, made once per approval).
 *
 * How: after warm-up and a full GC, the heap in use is read before and after N responses; the
 * young generation is sized (npm script flags) so that the N responses fit without a collection,
 * and a GC observer confirms none ran (a run with one is repeated with fewer responses). Bytes
 * outside the JavaScript heap (OpenSSL's HMAC state) are not counted. `--json` prints one object.
 */
import { frameStream } from '../hardware/serial/index.js';
import { FRAMINGS, type FramingName } from '../protocol/framing/index.js';
import { DIALECTS, decodeInto, encodeMessage, MessageView } from '../protocol/iso8583/index.js';
import { directStream, responseChunks, testPipeline } from './lib/hot-path.js';
import { typical0210 } from './sample-messages.js';
import { allocatedBy, gc, heapObjectBytes, sleep } from './lib/heap-bytes.js';

const json = process.argv.includes('--json');
const N = Number(process.env.BENCH_N ?? 20_000);
const WARM = 20_000;

gc(); // fails early without --expose-gc

interface CaseResult {
  framing: FramingName;
  outcome: 'approved' | 'approved+ledger' | 'declined';
  responses: number;
  bytes_per_response: number;
  prompts: number;
  records: number;
}

async function measure(framing: FramingName, rc: string, ledger = false): Promise<CaseResult> {
  let prompts = 0;
  let records = 0;
  let entries = 0;
  const pipeline = testPipeline({
    display: { show: () => void prompts++ },
    record: () => void records++,
    ...(ledger ? { approval: () => void entries++ } : {}),
  });
  const { stream, emit } = directStream();
  const framed = frameStream(stream, { framing }, (e) => pipeline.onLinkEvent(e));
  const warm = responseChunks(framing, rc, WARM, 1);
  for (const c of warm) emit(c);
  const { n, bytes } = await allocatedBy(
    N,
    (k) => {
      prompts = records = entries = 0;
      return responseChunks(framing, rc, k, WARM + 1);
    },
    (run, k) => {
      for (let i = 0; i < k; i++) emit(run[i]!);
    },
  );
  framed.detach();
  if (prompts !== n) throw new Error(`${framing} ${rc}: ${prompts} prompts for ${n} responses`);
  if (ledger && entries !== n) throw new Error(`${framing}: ${entries} ledger entries for ${n} approvals`);
  return {
    framing,
    outcome: rc !== '00' ? 'declined' : ledger ? 'approved+ledger' : 'approved',
    responses: n,
    bytes_per_response: Math.round(bytes / n),
    prompts,
    records,
  };
}

/**
 * A decline's share before the prompt: the keyed card hash (HMAC-SHA256 of the PAN) that the
 * decline tracker needs, measured alone on a decoded response.
 */
async function measureCardHash(): Promise<number> {
  const msg = encodeMessage(DIALECTS.ascii, typical0210('51'));
  const view = new MessageView();
  if (!decodeInto(DIALECTS.ascii, msg, 0, msg.length, view)) throw new Error('sample does not decode');
  const key = Buffer.alloc(32, 7);
  let sink = 0;
  for (let i = 0; i < WARM; i++) sink += view.panDigest(key)!.length;
  const n = 5_000;
  gc();
  gc();
  await sleep(20);
  const before = heapObjectBytes();
  for (let i = 0; i < n; i++) sink += view.panDigest(key)!.length;
  const after = heapObjectBytes();
  if (sink === 0) throw new Error('no digest');
  return Math.round((after - before) / n);
}

async function main(): Promise<void> {
  const results: CaseResult[] = [];
  for (const framing of FRAMINGS) {
    for (const rc of ['00', '51']) results.push(await measure(framing, rc));
    results.push(await measure(framing, '00', true));
  }
  const cardHash = await measureCardHash();
  if (json) {
    console.log(JSON.stringify({ cases: results, card_hash_bytes: cardHash }));
    return;
  }
  console.log('JavaScript heap bytes per host response, chunk in → prompt shown (typical 0210, ascii)');
  for (const r of results)
    console.log(
      `${r.framing.padEnd(6)} ${r.outcome.padEnd(15)} ${String(r.bytes_per_response).padStart(6)} B/response` +
        `  (${r.responses.toLocaleString('en')} responses, ${r.records.toLocaleString('en')} records, no GC)`,
    );
  console.log(`of a decline, before its prompt: the keyed card hash (HMAC-SHA256) ${cardHash} B`);
}

await main();
