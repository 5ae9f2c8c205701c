/**
 * How well bytes fit a message type, judged on the wire: each top-level field of the schema-less decode
 * is known to the type with a compatible wire type (+1), known with an incompatible one (-2), or unknown
 * (-1). protobufjs skips unknown and mismatched fields silently, so this is how a wrong schema shows, and
 * how a mid-call capture (no :path seen) picks the likeliest method.
 */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';
import { decodeToJson } from './proto-json.js';
import { decodeRaw, type RawWire } from './protobuf-raw.js';
import type { MethodInfo } from './schema-method.js';

export interface TypeMatch {
  score: number;
  /** Field numbers on the wire the type does not define (sorted, unique). */
  unknownFields: number[];
  /** Field numbers the type defines with a different wire type. */
  mismatchedFields: number[];
  /** False when even schema-less decoding fails: the bytes are not protobuf. */
  parsed: boolean;
}

const VARINT = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const I64 = new Set(['fixed64', 'sfixed64', 'double']);
const I32 = new Set(['fixed32', 'sfixed32', 'float']);

/** Wire types a field may arrive with (protobuf encoding spec; repeated scalars may be packed as LEN). */
function wiresFor(field: protobuf.Field): RawWire[] {
  field.resolve();
  if (field.map) return ['len'];
  let base: RawWire;
  if (field.resolvedType instanceof protobufjs().Enum || VARINT.has(field.type)) base = 'varint';
  else if (I64.has(field.type)) base = 'i64';
  else if (I32.has(field.type)) base = 'i32';
  else if (field.resolvedType instanceof protobufjs().Type && field.delimited) base = 'sgroup';
  else base = 'len';
  return field.repeated && base !== 'len' && base !== 'sgroup' ? [base, 'len'] : [base];
}

export function compareWithType(type: protobuf.Type, bytes: Uint8Array): TypeMatch {
  const raw = decodeRaw(bytes, { maxDepth: 1 });
  const unknown = new Set<number>();
  const mismatched = new Set<number>();
  let score = 0;
  for (const f of raw.fields) {
    const field = type.fieldsById[f.field];
    if (field === undefined) {
      unknown.add(f.field);
      score -= 1;
    } else if (wiresFor(field).includes(f.wire)) {
      score += 1;
    } else {
      mismatched.add(f.field);
      score -= 2;
    }
  }
  const sort = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { score, unknownFields: sort(unknown), mismatchedFields: sort(mismatched), parsed: raw.ok };
}

export interface MessageSample {
  direction: 'request' | 'response';
  bytes: Uint8Array;
}

export interface MethodGuess {
  method: MethodInfo;
  score: number;
  /** Other candidates that scored as well (same score), by path: the guess is then ambiguous. */
  tied: string[];
}

/**
 * Picks the candidate whose request/response types fit the samples best. Candidates whose types fail to
 * decode a sample are out. Null when nothing fits (best score not above 0).
 */
export function guessMethod(
  candidates: readonly MethodInfo[],
  samples: readonly MessageSample[],
): MethodGuess | null {
  const scored: Array<{ method: MethodInfo; score: number }> = [];
  for (const method of candidates) {
    const score = scoreMethod(method, samples);
    if (score !== null) scored.push({ method, score });
  }
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (best === undefined || best.score <= 0) return null;
  const tied = scored.filter((s) => s !== best && s.score === best.score).map((s) => s.method.path);
  return { method: best.method, score: best.score, tied };
}

function scoreMethod(method: MethodInfo, samples: readonly MessageSample[]): number | null {
  let total = 0;
  for (const s of samples) {
    const type = s.direction === 'request' ? method.requestType : method.responseType;
    if (!decodeToJson(type, s.bytes).ok) return null;
    total += compareWithType(type, s.bytes).score;
  }
  return total;
}
