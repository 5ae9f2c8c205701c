/**
 * --payload full|head|none: how much of each gRPC message the records carry. Everything else (calls,
 * frames, connections, diagnostics) must be the same in all three, so --summary, which decodes no
 * payload, reports what the full pass would.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { PAYLOAD_HEAD_BYTES } from '../../src/grpc/call-message.js';
import { SummaryReport } from '../../src/output/summary.js';
import type { CallMessageRecord, CallRecord, RawField } from '../../src/records/call.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { decodeFile } from '../helpers/decode.js';

const CAPTURES = readdirSync('samples').filter((f) => /\.(pcap|pcapng|pcap\.gz)$/.test(f));

function keylogOf(name: string): string | undefined {
  const keys = `samples/${name.replace(/\.(pcap|pcapng)(\.gz)?$/, '')}.keys`;
  return readdirSync('samples').includes(keys.slice('samples/'.length)) ? keys : undefined;
}

function callsOf(doc: Awaited<ReturnType<typeof decodeFile>>): CallRecord[] {
  return doc.connections.flatMap((c) => (c as { calls?: CallRecord[] }).calls ?? []);
}

/** The call without what --payload changes: each message's `decoded`. */
function withoutDecoded(call: CallRecord): unknown {
  const strip = (m: CallMessageRecord): unknown => ({ ...m, decoded: null });
  return { ...call, requests: call.requests.map(strip), responses: call.responses.map(strip) };
}

describe('--payload', () => {
  it.each(CAPTURES)('%s: none and head change only the decoded messages', async (name) => {
    const keylog = keylogOf(name);
    const file = `samples/${name}`;
    const full = await decodeFile(file, { keylog });
    for (const payload of ['none', 'head'] as const) {
      const other = await decodeFile(file, { keylog, payload });
      expect(other.diagnostics).toEqual(full.diagnostics);
      expect(other.allFrames).toEqual(full.allFrames);
      expect(callsOf(other).map(withoutDecoded)).toEqual(callsOf(full).map(withoutDecoded));
      if (payload === 'none')
        for (const c of callsOf(other))
          for (const m of [...c.requests, ...c.responses]) expect(['skipped']).toContain(m.decoded.kind);
    }
  });

  it('head keeps the first 32 bytes of a long bytes field, with its length (grpc-js-large)', async () => {
    const r = await runCliCaptured(['samples/grpc-js-large.pcap', '--payload', 'head', '-f', 'ndjson']);
    expect(r.code).toBe(0);
    const calls = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; call?: CallRecord })
      .flatMap((l) => (l.call ? [l.call] : []));
    const decoded = calls[0]!.responses[0]!.decoded;
    expect(decoded.kind).toBe('raw');
    const fields = (decoded as { fields: RawField[] }).fields;
    expect(fields[1]).toEqual({
      field: 2,
      wire: 'len',
      value: {
        kind: 'bytes',
        hex: Buffer.from(Array.from({ length: PAYLOAD_HEAD_BYTES }, (_, i) => i)).toString('hex'),
        length: 1_200_000,
        truncated: true,
      },
    });
    expect(r.stdout.length).toBeLessThan(100_000);
  });

  it.each(['grpc-js-unary.pcap', 'grpc-js-status.pcap', 'showcase.pcapng'])(
    '%s: --summary (which decodes no payload) says what a pass decoding every payload says',
    async (name) => {
      const summary = async (payload: 'full' | 'none'): Promise<string> => {
        const report = new SummaryReport();
        const engine = createEngine({ file: `samples/${name}`, payload }, report.sink);
        engine.push(await readCaptureFile(`samples/${name}`));
        engine.finish();
        const out: string[] = [];
        report.write((s) => out.push(s));
        return out.join('');
      };
      const cli = await runCliCaptured([`samples/${name}`, '--summary']);
      expect(cli.stdout).toBe(await summary('full'));
      expect(await summary('none')).toBe(await summary('full'));
    },
  );

  it('a value that is not a mode is a usage error', async () => {
    const r = await runCliCaptured(['samples/grpc-js-unary.pcap', '--payload', 'some']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--payload must be one of none, head, full, not 'some'/);
  });
});
