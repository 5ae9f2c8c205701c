import type { RawPacket } from '../../src/capture/types.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { type NetEvent, NetDecoder, type NetDecoderOptions } from '../../src/net/net-decoder.js';
import type { TcpSegment } from '../../src/net/types.js';
import type { Fixture } from './fixtures.js';

export const EPOCH = 1_700_000_000;

export function raw(data: Buffer | string, linkType: number, index = 0, time = EPOCH + index): RawPacket {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'hex') : data;
  return {
    index,
    time,
    timeNs: BigInt(Math.round(time * 1e6)) * 1000n,
    linkType,
    interfaceId: 0,
    data: bytes,
    originalLength: bytes.length,
    offset: 0,
  };
}

/** Packet `i` of a fixture as raw bytes. */
export function bytesOf(fixture: Fixture, i = 0): Buffer {
  return Buffer.from(fixture.packets[i]!, 'hex');
}

/** Pushes every packet of the fixtures (indexes in order) through one decoder, then finish(). */
export function decodeAll(fixtures: Fixture[], options?: NetDecoderOptions): NetEvent[] {
  const decoder = new NetDecoder(options);
  const events: NetEvent[] = [];
  let index = 0;
  for (const f of fixtures) {
    for (const hex of f.packets) events.push(...decoder.push(raw(hex, f.linkType, index++)));
  }
  events.push(...decoder.finish());
  return events;
}

export function segments(events: NetEvent[]): TcpSegment[] {
  return events.flatMap((e) => (e.kind === 'tcp' ? [e.segment] : []));
}

export function diagnostics(events: NetEvent[]): Diagnostic[] {
  return events.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));
}

export function skips(events: NetEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'skipped' ? [e.reason] : []));
}

/** The one segment a single-packet decode must produce. */
export function onlySegment(events: NetEvent[]): TcpSegment {
  const all = segments(events);
  if (all.length !== 1) throw new Error(`expected one segment, got ${all.length}: ${JSON.stringify(events)}`);
  return all[0]!;
}

export function decodeOne(data: Buffer | string, linkType: number, options?: NetDecoderOptions): NetEvent[] {
  const decoder = new NetDecoder(options);
  return [...decoder.push(raw(data, linkType)), ...decoder.finish()];
}
