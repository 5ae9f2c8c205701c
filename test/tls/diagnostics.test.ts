import { describe, expect, it } from 'vitest';
import { DIAGNOSTICS } from '../../src/diagnostics/catalogue.js';
import { TLS_DIAGNOSTICS } from '../../src/diagnostics/tls.js';

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
      const text = TLS_DIAGNOSTICS[code].text;
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
