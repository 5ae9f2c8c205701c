/**
 * http2.* fields: one HTTP/2 frame (FrameRecord). On a call, http2.stream and the header fields read the
 * call's request headers, response headers and trailers; on a diagnostic, http2.stream is its stream.
 */
import type { CallSummary } from '../records/call.js';
import { ErrorCode, FrameFlag, FrameType } from '../h2/constants.js';
import { FRAME_TYPE_BY_NAME } from '../h2/frame-type-names.js';
import type { FrameRecord } from '../records/records.js';
import { present, type FieldDef, type FieldValue } from './field-types.js';

const UNKNOWN_CODE = /^UNKNOWN_0x[0-9a-f]+$/i;

function headerValues(headers: ReadonlyArray<[string, string]> | undefined, name: string): FieldValue {
  if (!headers) return null;
  const values = headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  return values.length > 0 ? values : null;
}

function callHeaders(c: CallSummary): Array<[string, string]> {
  return [...c.requestHeaders, ...c.responseHeaders, ...c.trailers];
}

function frameTypeValues(f: FrameRecord): FieldValue {
  const known = FRAME_TYPE_BY_NAME.get(f.type);
  const unknown = /^UNKNOWN_0x([0-9a-f]+)$/i.exec(f.type);
  return present(f.type, known ?? (unknown ? parseInt(unknown[1]!, 16) : null));
}

function num(description: string, frame: (f: FrameRecord) => number | undefined): FieldDef {
  return { name: '', number: true, string: false, description, frame };
}

const defs: Record<string, FieldDef> = {
  'http2.type': {
    name: '',
    number: true,
    string: true,
    ignoreCase: true,
    names: { list: Object.keys(FrameType), also: UNKNOWN_CODE },
    description: 'frame type, as a name (HEADERS) or a number (1)',
    frame: frameTypeValues,
  },
  'http2.stream': {
    name: '',
    number: true,
    string: false,
    description: 'stream id (frames, calls, diagnostics)',
    frame: (f) => f.stream,
    call: (c) => c.stream,
    diagnostic: (d) => d.stream,
  },
  'http2.flags': {
    name: '',
    number: false,
    string: true,
    ignoreCase: true,
    names: { list: Object.keys(FrameFlag) },
    description: 'names of the set flags: END_STREAM, END_HEADERS, ACK, PADDED, PRIORITY',
    frame: (f) => (f.flags.length > 0 ? f.flags : null),
  },
  'http2.length': num('payload length from the frame header', (f) => f.length),
  'http2.from': {
    name: '',
    number: false,
    string: true,
    ignoreCase: true,
    names: { list: ['client', 'server'] },
    description: 'sender: client or server',
    frame: (f) => f.from,
  },
  'http2.error': {
    name: '',
    number: true,
    string: true,
    ignoreCase: true,
    names: { list: Object.keys(ErrorCode), also: UNKNOWN_CODE },
    description: 'RST_STREAM / GOAWAY error code, as a name (CANCEL) or a number (8)',
    frame: (f) => present(f.errorCode, f.errorCodeValue),
  },
  'http2.increment': num('WINDOW_UPDATE increment', (f) => f.increment),
  'http2.last_stream': num('GOAWAY last stream id', (f) => f.lastStreamId),
  'http2.debug': {
    name: '',
    number: false,
    string: true,
    description: 'GOAWAY debug data',
    frame: (f) => f.debugData,
  },
  'http2.index': num('frame number within its connection (0-based)', (f) => f.index),
  'http2.packet': num(
    'capture record number of the packet that completed the frame (0-based)',
    (f) => f.packet,
  ),
  'http2.header': {
    name: '',
    parametric: 'header',
    number: false,
    string: true,
    description: 'value of a header: http2.header.:path, http2.header.x-trace-id (frames and calls)',
    frame: (f, name) => headerValues(f.headers, name),
    call: (c, name) => headerValues(callHeaders(c), name),
  },
  'http2.headers': {
    name: '',
    number: false,
    string: true,
    description: 'every header as "name: value" (frames and calls)',
    frame: (f) => f.headers?.map(([n, v]) => `${n}: ${v}`) ?? null,
    call: (c) => callHeaders(c).map(([n, v]) => `${n}: ${v}`),
  },
  'http2.setting': {
    name: '',
    parametric: 'setting',
    number: true,
    string: false,
    description: 'a SETTINGS parameter: http2.setting.INITIAL_WINDOW_SIZE',
    frame: (f, name) => f.settings?.[name] ?? null,
  },
};

export const HTTP2_FIELDS: FieldDef[] = Object.entries(defs).map(([name, def]) => ({ ...def, name }));
