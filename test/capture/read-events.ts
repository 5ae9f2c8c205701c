import { CaptureReader } from '../../src/capture/capture-reader.js';
import type { CaptureEvent, RawPacket } from '../../src/capture/types.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';

/** Feeds `bytes` to a fresh CaptureReader in pieces of `sizes` (cycled), then finishes. */
export function readBytes(bytes: Buffer, sizes: number[] = [bytes.length || 1]): CaptureEvent[] {
  const reader = new CaptureReader();
  const out: CaptureEvent[] = [];
  for (let pos = 0, i = 0; pos < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    out.push(...reader.push(bytes.subarray(pos, pos + size)));
    pos += size;
  }
  out.push(...reader.finish());
  return out;
}

export function packetsOf(events: CaptureEvent[]): RawPacket[] {
  return events.flatMap((e) => (e.kind === 'packet' ? [e.packet] : []));
}

export function diagnosticsOf(events: CaptureEvent[]): Diagnostic[] {
  return events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));
}

export function kindsOf(events: CaptureEvent[]): string[] {
  return events.map((e) => (e.kind === 'diagnostic' ? e.diagnostic.code : e.kind));
}
