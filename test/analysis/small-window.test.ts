/**
 * A stream window set far below the default on a fast link (samples/h2-nghttp-tiny-window.pcap: nghttp
 * --window-bits=13, i.e. SETTINGS_INITIAL_WINDOW_SIZE 8,191, GETs 100 KiB from nghttpd over loopback in
 * about 30 ms): nearly every window-full ends in a wait for WINDOW_UPDATE, too short for the time-based
 * starvation rule, and still the incident to report. A default window with a couple of stalls stays quiet.
 */
import { describe, expect, it } from 'vitest';
import { decodeFile } from '../helpers/decode.js';

const codes = (d: { diagnostics: Array<{ code: string }> }): string[] => d.diagnostics.map((x) => x.code);

describe('analysis.flow.small-window', () => {
  it('names the window, the side that set it and the fix, whatever the duration', async () => {
    const d = await decodeFile('samples/h2-nghttp-tiny-window.pcap');
    const found = d.diagnostics.filter((x) => x.code === 'analysis.flow.small-window');
    expect(found).toHaveLength(1);
    const w = found[0]!;
    expect(w.severity).toBe('warning');
    expect(w.evidence).toMatchObject({
      sender: 'server',
      receiver: 'client',
      initialWindow: 8191,
      bytes: 102400,
      stalls: 12,
      windowFulls: 12,
      suggestedWindow: 131072,
    });
    expect(w.evidence!.durationMs as number).toBeLessThan(100); // under starvationMinMs: not a starvation
    expect(w.message).toMatch(
      /^The client set SETTINGS_INITIAL_WINDOW_SIZE to 8191 bytes, below the RFC 9113/,
    );
    expect(w.message).toContain("Raise the client's initial stream window to at least 131072 bytes");
    expect(codes(d)).not.toContain('analysis.flow.starvation');
  });

  it('stays quiet for a default window with occasional stalls (h2-nghttp-h2c: 2 stalls)', async () => {
    const d = await decodeFile('samples/h2-nghttp-h2c.pcap');
    expect(d.connections[0]!.flowControl!.server.stalls.length).toBeGreaterThan(0);
    expect(d.connections[0]!.flowControl!.server.initialWindow).toBe(65535);
    expect(codes(d).filter((c) => c.startsWith('analysis.flow.'))).toEqual([]);
  });
});
