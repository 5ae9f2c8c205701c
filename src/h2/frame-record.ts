import type { FrameRecord, Role } from '../records/records.js';
import { errorCodeName, settingName } from './constants.js';
import type { DecodedFrame } from './frames.js';
import { headerText } from './header-field.js';

/** Hex of at most this many payload bytes in `raw` (unknown types, undecodable payloads). */
export const RAW_HEX_CAP = 256;

/**
 * The output record of one frame (src/records/records.ts), without the header list: that is added by the
 * header block logic on the frame that ends a block.
 */
export function frameRecord(d: DecodedFrame, connection: string, index: number, from: Role): FrameRecord {
  const { raw } = d;
  const rec: FrameRecord = {
    connection,
    index,
    time: raw.time,
    packet: raw.packetIndex,
    from,
    type: d.typeName,
    stream: raw.stream,
    length: raw.length,
    flags: d.flags,
    flagBits: raw.flags,
  };
  fillTypeFields(d, rec);
  if (d.kind === 'OTHER' || undecodable(d)) rec.raw = raw.payload.subarray(0, RAW_HEX_CAP).toString('hex');
  return rec;
}

/** A length or padding problem leaves the payload unread: its bytes go into the record instead. */
function undecodable(d: DecodedFrame): boolean {
  // An index loop: for-of over the shared frozen empty list would allocate an iterator result per frame.
  const problems = d.problems;
  for (let i = 0; i < problems.length; i++) {
    const code = problems[i]!.code;
    if (code === 'h2.frame.bad-length' || code === 'h2.frame.bad-padding') return true;
  }
  return false;
}

function fillTypeFields(d: DecodedFrame, rec: FrameRecord): void {
  switch (d.kind) {
    case 'DATA':
      set(rec, 'padLength', d.padLength);
      set(rec, 'dataLength', d.data?.length);
      return;
    case 'HEADERS':
      set(rec, 'padLength', d.padLength);
      set(rec, 'priority', d.priority);
      return;
    case 'PRIORITY':
      set(rec, 'priority', d.priority);
      return;
    case 'RST_STREAM':
      setErrorCode(rec, d.errorCode);
      return;
    case 'SETTINGS':
      rec.ack = d.ack;
      // Later entries win, as when a receiver processes them in order (RFC 9113 §6.5.3).
      if (!d.ack) {
        const settings: Record<string, number> = {};
        for (const [id, value] of d.settings) settings[settingName(id)] = value;
        rec.settings = settings;
      }
      return;
    case 'PUSH_PROMISE':
      set(rec, 'padLength', d.padLength);
      set(rec, 'promisedStream', d.promisedStream);
      return;
    case 'PING':
      rec.ack = d.ack;
      set(rec, 'opaque', d.opaque);
      return;
    case 'GOAWAY':
      set(rec, 'lastStreamId', d.lastStreamId);
      setErrorCode(rec, d.errorCode);
      if (d.debugData !== undefined && d.debugData.length > 0) rec.debugData = headerText(d.debugData);
      return;
    case 'WINDOW_UPDATE':
      set(rec, 'increment', d.increment);
      return;
    case 'CONTINUATION':
    case 'OTHER':
      return;
  }
}

/** Leaves optional fields absent rather than `undefined`, so JSON and deep-equality see the same thing. */
function set<K extends keyof FrameRecord>(rec: FrameRecord, key: K, value: FrameRecord[K] | undefined): void {
  if (value !== undefined) rec[key] = value;
}

function setErrorCode(rec: FrameRecord, code: number | undefined): void {
  if (code === undefined) return;
  rec.errorCode = errorCodeName(code);
  rec.errorCodeValue = code;
}
