/** The agent's pipeline for tests, with the real code table, catalog and decline tracker. */
import { createCatalog, DeclineTracker } from '../../agent/guidance/index.js';
import { silentLogger } from '../../agent/log.js';
import { Pipeline, type PipelineOptions } from '../../agent/pipeline/pipeline.js';
import { ScreenBook } from '../../agent/pipeline/screens.js';
import { DIALECTS } from '../../protocol/iso8583/index.js';
import { createCodeTable } from '../../protocol/response-codes/index.js';

/**
 * A Pipeline for TERM0001 / MERCHANT0000001: ASCII dialect, English on a 20x4 display, a fixed
 * card key, a 30 s host timeout; screens and records go nowhere unless `opts` says where.
 */
export function testPipeline(opts: Partial<PipelineOptions> = {}): Pipeline {
  return new Pipeline({
    dialect: DIALECTS.ascii,
    codes: createCodeTable(),
    screens: new ScreenBook(createCatalog(), { width: 20, height: 4 }),
    display: { show: () => {} },
    record: () => {},
    tracker: new DeclineTracker({ maxPerDay: 1000 }),
    cardKey: Buffer.alloc(32, 7),
    terminalId: 'TERM0001',
    merchantId: 'MERCHANT0000001',
    cashierLang: 'en',
    customerFollowsCard: false,
    hostTimeoutMs: 30_000,
    logger: silentLogger(),
    ...opts,
  });
}
