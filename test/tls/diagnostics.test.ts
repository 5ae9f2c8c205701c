import { describe, expect, it } from 'vitest';
import { DIAGNOSTICS } from '../../src/diagnostics/catalogue.js';
import { TLS_DIAGNOSTICS } from '../../src/diagnostics/tls.js';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { JsonCollector } from '../../src/output/json.js';

describe('TLS diagnostics catalogue', () => {
  const entries = Object.entries(TLS_DIAGNOSTICS);

  it('has the codes the brief names, all in the merged catalogue', () => {
    for (const code of [
      'tls.encrypted-no-keys',
      'tls.alpn-not-h2',
      'tls.handshake-alert',
      'tls.decrypt-failed',
      'tls.keylog-bad-line',
      'tls.handshake-not-seen',
      'tls.keylog-unreadable',
    ]) {
      expect(TLS_DIAGNOSTICS).toHaveProperty([code]);
    }
    for (const [code, spec] of entries) expect(DIAGNOSTICS[code]).toBe(spec);
  });

  it('names every code tls.<kebab-case> with a title and a message', () => {
    for (const [code, spec] of entries) {
      expect(code).toMatch(/^tls\.[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(spec.title.length).toBeGreaterThan(0);
      expect(spec.text.length).toBeGreaterThan(spec.title.length);
    }
  });

  it('tells how to get a key log wherever keys are missing', () => {
    for (const code of ['tls.encrypted-no-keys', 'tls.keys-incomplete'] as const) {
      const text = TLS_DIAGNOSTICS[code].fix; // the how-to is the fix, kept apart from the message text
      for (const hint of [
        'SSLKEYLOGFILE',
        'curl',
        'Go',
        'Python',
        'node --tls-keylog=',
        'Java',
        'editcap --inject-secrets',
      ]) {
        expect(text).toContain(hint);
      }
    }
  });
});

describe('a capture that ends inside the TLS handshake (tls-grpc-js-12 cut after the ServerHelloDone)', () => {
  it('has nothing encrypted, so it advises no key log', async () => {
    // tshark: packet 6 (index 5) carries ServerHello..ServerHelloDone, packet 8 (index 7) the client's
    // ChangeCipherSpec and encrypted Finished. Keeping packets 1-7 ends the capture inside the handshake.
    const file = new URL('../../samples/tls-grpc-js-12.pcap', import.meta.url).pathname;
    const events = (await readCaptureFile(file)).filter((e) => e.kind !== 'packet' || e.packet.index < 7);
    const collector = new JsonCollector();
    const engine = createEngine({ file: 'cut' }, collector.sink);
    engine.push(events);
    engine.finish();
    const doc = collector.doc;
    expect(doc.diagnostics.map((d) => d.code)).not.toContain('tls.encrypted-no-keys');
    expect(collector.sortedConnections()[0]!.tls).toMatchObject({
      decryption: 'not-encrypted',
      alpnSelected: 'h2',
    });
    // One packet more (the encrypted Finished) and the advice is there.
    const more = (await readCaptureFile(file)).filter((e) => e.kind !== 'packet' || e.packet.index < 8);
    const c2 = new JsonCollector();
    const e2 = createEngine({ file: 'cut' }, c2.sink);
    e2.push(more);
    e2.finish();
    expect(c2.doc.diagnostics.map((d) => d.code)).toContain('tls.encrypted-no-keys');
  });
});
