/**
 * What a filter field is: its name, which literals it compares with, and how to read it from each kind of
 * record. A field a record kind does not have reads as absent, and every comparison with an absent field
 * is false (Wireshark's rule), so `grpc.status == 0` simply never matches a frame.
 */
import type { Diagnostic } from '../diagnostics/types.js';
import type { CallSummary } from '../records/call.js';
import type { ConnectionRecord, FrameRecord } from '../records/records.js';

export type Scalar = string | number | boolean;
/** null/undefined: the record has no such field; an array: any element may match. */
export type FieldValue = Scalar | readonly Scalar[] | null | undefined;

/**
 * What a frame, call or diagnostic knows of its connection. The id always comes from the record itself;
 * the rest is known once the connection record exists (streaming consumers may not have it yet).
 */
export type ConnectionContext = Partial<ConnectionRecord> & { id: string };

export interface FieldDef {
  /** Dotted name; a parametric field takes one more part: http2.header.<name>. */
  name: string;
  /** `http2.header.x-trace-id`: the part after the name, lower-cased for headers. */
  parametric?: 'header' | 'setting';
  /** Literal types it compares with. Ordering (< <= > >=) needs `number`; ~ and contains need `string`. */
  number: boolean;
  string: boolean;
  /** A bare boolean field tests true/false; other bare fields test presence. */
  boolean?: boolean;
  /** String comparisons ignore case (code names: UNAVAILABLE, DATA, CANCEL, error). */
  ignoreCase?: boolean;
  /** The names a string literal may take, checked when the filter is parsed (typos are errors). */
  names?: { list: readonly string[]; also?: RegExp };
  description: string;
  call?: (c: CallSummary, arg: string) => FieldValue;
  frame?: (f: FrameRecord, arg: string) => FieldValue;
  conn?: (c: ConnectionContext, arg: string) => FieldValue;
  diagnostic?: (d: Diagnostic, arg: string) => FieldValue;
}

/** `[a, b]` without the absent ones; null when none is present. */
export function present(...values: Array<Scalar | null | undefined>): Scalar[] | null {
  const out = values.filter((v): v is Scalar => v !== null && v !== undefined);
  return out.length > 0 ? out : null;
}
