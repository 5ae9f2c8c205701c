// --infer-proto: skeletons inferred from real grpc-js traffic, checked against what the generator sent.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ProtoInference } from '../../src/grpc/proto-infer.js';
import { runCliCaptured } from '../cli/run-cli.js';
import { decodeFile } from '../helpers/decode.js';

const SAMPLES = ['samples/grpc-js-unary.pcap', 'samples/grpc-js-streaming.pcap'];

interface MetaCall {
  method: string;
  requests: { hex?: string }[];
  responses: { hex?: string }[];
}
const metaCalls = (pcap: string): MetaCall[] =>
  (
    JSON.parse(readFileSync(pcap.replace(/\.pcap$/, '.meta.json'), 'utf8')) as {
      expect: { calls: MetaCall[] };
    }
  ).expect.calls;

async function infer(files: string[], opts = {}): Promise<ProtoInference> {
  const inference = new ProtoInference();
  for (const f of files) {
    const doc = await decodeFile(f, opts);
    for (const c of doc.connections) for (const call of c.calls) inference.add(call);
  }
  return inference;
}

describe('ProtoInference', () => {
  it('writes a .proto that parses and decodes every message the generator sent', async () => {
    const inference = await infer(SAMPLES);
    const files = inference.files('test');
    expect(files.map((f) => f.name)).toEqual(['scope.v1.Lab.proto']);
    const text = files[0]!.text;
    const root = protobuf.parse(text, { keepCase: true }).root;
    const service = root.lookupService('scope.v1.Lab');
    const rpcs = Object.fromEntries(
      service.methodsArray.map((m) => [m.name, [m.requestStream === true, m.responseStream === true]]),
    );
    expect(rpcs).toEqual({
      Echo: [false, false],
      Watch: [false, true],
      Upload: [true, false],
      Chat: [true, true],
    });
    let decoded = 0;
    for (const pcap of SAMPLES) {
      for (const call of metaCalls(pcap)) {
        const name = call.method.split('/')[2]!;
        for (const [list, suffix] of [
          [call.requests, 'Request'],
          [call.responses, 'Response'],
        ] as const) {
          const type = root.lookupType(`scope.v1.${name}${suffix}`);
          for (const m of list) {
            if (m.hex === undefined) continue;
            const bytes = Buffer.from(m.hex, 'hex');
            // Every field of every message is known to the skeleton: nothing left as unknown fields.
            const message = type.decode(bytes) as unknown as { $unknowns?: unknown[] };
            expect(message.$unknowns).toBeUndefined();
            expect(Buffer.from(type.encode(message).finish()).length).toBeGreaterThan(0);
            decoded++;
          }
        }
      }
    }
    expect(decoded).toBeGreaterThan(20);
  });

  it('marks every type the wire leaves open, and says what it saw', async () => {
    const text = (await infer(SAMPLES)).files('test')[0]!.text;
    const fields = text.split('\n').filter((l) => /^\s+(repeated )?\w+ field_\d+ = \d+;/.test(l));
    expect(fields.length).toBeGreaterThan(20);
    for (const line of fields) {
      // Only bytes that are neither text nor a message are certain; everything else is marked.
      if (!/ bytes field_\d+ = \d+; \/\/ .*binary, neither text nor a message/.test(line))
        expect(line).toMatch(/AMBIGUOUS/);
    }
    // EchoRequest.id (field 2, int64): -42 on the wire is 2^64 - 42, so the lossless choice is uint64.
    expect(text).toMatch(
      / {2}uint64 field_2 = 2; \/\/ in 3 of 5 messages; AMBIGUOUS varint: .*negative int32\/int64, or uint64/,
    );
    // EchoRequest.labels (repeated string) and counters (map<string, int64>).
    expect(text).toMatch(/ {2}repeated string field_5 = 5; .*up to 4 times in one message/);
    expect(text).toMatch(/ {2}repeated Field7 field_7 = 7; .*a map<K, V>\?/);
  });

  it('leaves calls decoded with a schema alone', async () => {
    const inference = await infer(SAMPLES.slice(0, 1), { protos: ['scripts/samples/protos/scope.proto'] });
    expect(inference.methodCount).toBe(0);
    expect(inference.withSchema).toBe(5);
    expect(inference.files('x')).toEqual([]);
  });
});

describe('h2scope --infer-proto DIR', () => {
  it('writes one file per service, with --summary too, and says so on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h2scope-infer-'));
    try {
      const out = join(dir, 'protos');
      const r = await runCliCaptured([SAMPLES[1]!, '--summary', '--infer-proto', out]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(`h2scope: wrote 1 .proto skeleton (3 methods) to ${out}: scope.v1.Lab.proto\n`);
      expect(readdirSync(out)).toEqual(['scope.v1.Lab.proto']);
      const text = readFileSync(join(out, 'scope.v1.Lab.proto'), 'utf8');
      expect(text).toContain(`of scope.v1.Lab in ${SAMPLES[1]}.`);
      expect(() => protobuf.parse(text)).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a usage error with --payload none', async () => {
    const r = await runCliCaptured([SAMPLES[0]!, '--payload', 'none', '--infer-proto', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--infer-proto reads the decoded messages/);
  });
});
