/**
 * `--infer-proto DIR`: a best-effort .proto skeleton per service from the schema-less decoding of many
 * calls. The wire gives field numbers, wire types and how often a field repeats; it does not give names,
 * nor which of the types sharing a wire type was declared (int32/int64/uint64/sint64/bool/enum are all
 * varints, a LEN field that parses as a message may still be bytes). So every such choice is written with
 * an `AMBIGUOUS` comment giving the alternatives and the evidence, never silently: the type written is the
 * one that loses no data (int64 for varints, bytes when LEN fields disagree).
 *
 * Pure: CallRecords in (`add`), file names and text out (`files`). Calls decoded with a schema (--proto,
 * --descriptor-set, server reflection) are not used: they have one.
 */
import type { CallRecord, RawField, RawLen } from '../records/call.js';

/** Nested message types are followed this deep; deeper LEN fields are written as bytes. */
const MAX_DEPTH = 16;
/** Example values kept per field, for the comments. */
const EXAMPLES = 3;

class FieldStats {
  /** Messages that had this field at least once. */
  present = 0;
  maxPerMessage = 0;
  readonly wires = new Map<string, number>();
  // varint
  varints = 0;
  min: bigint | null = null;
  max: bigint | null = null;
  readonly examples: string[] = [];
  // fixed
  floatsPlausible = 0;
  // len
  lenMessage = 0;
  lenString = 0;
  lenBytes = 0;
  lenPacked = 0;
  lenEmpty = 0;
  nested: ShapeStats | null = null;

  add(f: RawField, depth: number): void {
    this.wires.set(f.wire, (this.wires.get(f.wire) ?? 0) + 1);
    switch (f.wire) {
      case 'varint': {
        this.varints++;
        const v = BigInt(f.value);
        if (this.min === null || v < this.min) this.min = v;
        if (this.max === null || v > this.max) this.max = v;
        this.example(String(f.value));
        break;
      }
      case 'i32':
      case 'i64': {
        const x = f.value.float;
        if (typeof x === 'number' && (x === 0 || (Math.abs(x) >= 1e-9 && Math.abs(x) <= 1e15))) {
          this.floatsPlausible++;
          this.example(String(x));
        } else this.example(f.value.hex);
        break;
      }
      case 'len':
        this.addLen(f.value, depth);
        break;
      case 'sgroup':
        break;
    }
  }

  private addLen(v: RawLen, depth: number): void {
    if (v.kind === 'message') {
      if (v.fields.length === 0) {
        this.lenEmpty++;
        return;
      }
      this.lenMessage++;
      if (depth < MAX_DEPTH) (this.nested ??= new ShapeStats()).add(v.fields, depth + 1);
    } else if (v.kind === 'string') {
      this.lenString++;
      this.example(JSON.stringify(v.text.length > 24 ? `${v.text.slice(0, 24)}…` : v.text));
    } else {
      this.lenBytes++;
      if (v.packedVarints !== undefined) this.lenPacked++;
    }
  }

  private example(s: string): void {
    if (this.examples.length < EXAMPLES && !this.examples.includes(s)) this.examples.push(s);
  }
}

class ShapeStats {
  messages = 0;
  readonly fields = new Map<number, FieldStats>();

  add(fields: readonly RawField[], depth = 0): void {
    this.messages++;
    const counts = new Map<number, number>();
    for (const f of fields) {
      counts.set(f.field, (counts.get(f.field) ?? 0) + 1);
      let s = this.fields.get(f.field);
      if (!s) this.fields.set(f.field, (s = new FieldStats()));
      s.add(f, depth);
    }
    for (const [n, c] of counts) {
      const s = this.fields.get(n)!;
      s.present++;
      if (c > s.maxPerMessage) s.maxPerMessage = c;
    }
  }
}

interface MethodStats {
  service: string;
  method: string;
  calls: number;
  request: ShapeStats;
  response: ShapeStats;
  /** Kinds the calls were inferred as, with counts. */
  kinds: Map<string, number>;
  /** Messages left out: not decoded schema-less (compressed and not inflated, over a cap, --payload none). */
  skipped: number;
}

export interface InferredFile {
  /** "pkg.Service.proto" */
  name: string;
  text: string;
}

const METHOD_PATH = /^\/([^/]+)\/([^/]+)$/;

export class ProtoInference {
  private readonly methods = new Map<string, MethodStats>();
  /** Calls not used because a schema decoded them. */
  withSchema = 0;

  add(call: CallRecord): void {
    const m = call.method === null ? null : METHOD_PATH.exec(call.method);
    if (m === null) return;
    const messages = [...call.requests, ...call.responses];
    if (messages.some((x) => x.decoded.kind === 'schema')) {
      this.withSchema++;
      return;
    }
    let s = this.methods.get(call.method!);
    if (!s) {
      s = {
        service: m[1]!,
        method: m[2]!,
        calls: 0,
        request: new ShapeStats(),
        response: new ShapeStats(),
        kinds: new Map(),
        skipped: 0,
      };
      this.methods.set(call.method!, s);
    }
    s.calls++;
    s.kinds.set(call.kind, (s.kinds.get(call.kind) ?? 0) + 1);
    for (const [list, shape] of [
      [call.requests, s.request],
      [call.responses, s.response],
    ] as const) {
      for (const msg of list) {
        if (msg.decoded.kind === 'raw') shape.add(msg.decoded.fields);
        else s.skipped++;
      }
    }
  }

  get methodCount(): number {
    return this.methods.size;
  }

  /** One file per service, services in name order, methods in the order first seen. */
  files(source: string): InferredFile[] {
    const byService = new Map<string, MethodStats[]>();
    for (const s of this.methods.values()) {
      const list = byService.get(s.service) ?? [];
      list.push(s);
      byService.set(s.service, list);
    }
    return [...byService.keys()].sort().map((service) => ({
      name: `${safeFileName(service)}.proto`,
      text: renderService(service, byService.get(service)!, source),
    }));
  }
}

function renderService(service: string, methods: MethodStats[], source: string): string {
  const dot = service.lastIndexOf('.');
  const pkg = dot > 0 ? service.slice(0, dot) : '';
  const name = identifier(dot > 0 ? service.slice(dot + 1) : service);
  const calls = methods.reduce((n, m) => n + m.calls, 0);
  const out = [
    `// Inferred by h2scope --infer-proto from ${calls} call${calls === 1 ? '' : 's'} of ${comment(service)} in ${comment(source)}.`,
    '// A skeleton, not the real schema: field names are not on the wire (field_N), and where the wire allows',
    '// several types the one written loses no data and the line says AMBIGUOUS with the alternatives.',
    'syntax = "proto3";',
    '',
  ];
  if (pkg !== '' && /^[A-Za-z_][\w.]*$/.test(pkg)) out.push(`package ${pkg};`, '');
  out.push(`service ${name} {`);
  for (const m of methods) {
    const kinds = [...m.kinds].sort((a, b) => b[1] - a[1]);
    const kind = kinds[0]![0];
    const clientStream = kind === 'client-streaming' || kind === 'bidi';
    const serverStream = kind === 'server-streaming' || kind === 'bidi';
    const base = identifier(m.method);
    const note =
      kinds.length > 1
        ? ` // AMBIGUOUS streaming: calls looked ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')}`
        : ` // ${m.calls} call${m.calls === 1 ? '' : 's'}, streaming inferred from message counts (${kind})`;
    out.push(
      `  rpc ${base}(${clientStream ? 'stream ' : ''}${base}Request) returns (${serverStream ? 'stream ' : ''}${base}Response);${note}`,
    );
  }
  out.push('}');
  for (const m of methods) {
    const base = identifier(m.method);
    const skipped =
      m.skipped > 0 ? ` (${m.skipped} more not decodable schema-less: compressed, over a cap)` : '';
    out.push(
      '',
      `// ${m.request.messages} request message(s) of ${comment(`/${m.service}/${m.method}`)}${skipped}`,
    );
    out.push(...renderMessage(`${base}Request`, m.request, ''));
    out.push('', `// ${m.response.messages} response message(s)`);
    out.push(...renderMessage(`${base}Response`, m.response, ''));
  }
  return out.join('\n') + '\n';
}

function renderMessage(name: string, shape: ShapeStats, indent: string): string[] {
  const out = [`${indent}message ${name} {`];
  if (shape.messages === 0) out.push(`${indent}  // no message seen`);
  const numbers = [...shape.fields.keys()].sort((a, b) => a - b);
  for (const n of numbers) {
    const f = shape.fields.get(n)!;
    const r = fieldType(f, n);
    if (r.nested) out.push(...renderMessage(r.type, f.nested!, `${indent}  `));
    const repeated = f.maxPerMessage > 1 ? 'repeated ' : '';
    const presence =
      f.present < shape.messages ? `in ${f.present} of ${shape.messages} messages` : 'in every message';
    const notes = [presence, ...r.notes];
    if (f.maxPerMessage > 1) notes.push(`up to ${f.maxPerMessage} times in one message`);
    const decl = `${repeated}${r.type} field_${n} = ${n};`;
    out.push(`${indent}  ${r.commentedOut ? `// ${decl}` : decl} // ${notes.join('; ')}`);
  }
  out.push(`${indent}}`);
  return out;
}

interface TypeChoice {
  type: string;
  notes: string[];
  /** A nested message declared just before the field. */
  nested?: boolean;
  /** No proto3 type fits every occurrence: the line is a comment. */
  commentedOut?: boolean;
}

function fieldType(f: FieldStats, n: number): TypeChoice {
  const wires = [...f.wires.keys()];
  if (wires.length > 1) {
    const seen = [...f.wires].map(([w, c]) => `${w} ${c}`).join(', ');
    return { type: 'bytes', notes: [`AMBIGUOUS: wire types ${seen}: no one type fits`], commentedOut: true };
  }
  const ex = f.examples.length > 0 ? ` (e.g. ${f.examples.join(', ')})` : '';
  switch (wires[0]) {
    case 'varint': {
      const notes = [`AMBIGUOUS varint: int32, int64, uint32, uint64, sint32, sint64, bool or an enum${ex}`];
      if (f.min !== null && f.max !== null && f.min >= 0n && f.max <= 1n)
        notes.push('only 0 and 1 seen: bool?');
      if (f.max !== null && f.max >= 1n << 63n)
        notes.push('values at or above 2^63: negative int32/int64, or uint64');
      const type = f.max !== null && f.max >= 1n << 63n ? 'uint64' : 'int64';
      return { type, notes };
    }
    case 'i64': {
      const floats = f.floatsPlausible === (f.wires.get('i64') ?? 0);
      return {
        type: floats ? 'double' : 'fixed64',
        notes: [
          `AMBIGUOUS 64-bit: double, fixed64 or sfixed64${floats ? ', every value a plausible double' : ''}${ex}`,
        ],
      };
    }
    case 'i32': {
      const floats = f.floatsPlausible === (f.wires.get('i32') ?? 0);
      return {
        type: floats ? 'float' : 'fixed32',
        notes: [
          `AMBIGUOUS 32-bit: float, fixed32 or sfixed32${floats ? ', every value a plausible float' : ''}${ex}`,
        ],
      };
    }
    case 'len':
      return lenType(f, n, ex);
    default:
      return { type: 'bytes', notes: ['a group (proto2): not expressible in proto3'], commentedOut: true };
  }
}

function lenType(f: FieldStats, n: number, ex: string): TypeChoice {
  const total = f.lenMessage + f.lenString + f.lenBytes;
  const empty = f.lenEmpty > 0 ? `, ${f.lenEmpty} empty` : '';
  if (total === 0)
    return { type: 'bytes', notes: [`AMBIGUOUS: always empty: a string, bytes or message${empty}`] };
  if (f.lenMessage === total && f.nested !== null) {
    const nested = f.nested;
    const mapLike =
      f.maxPerMessage > 1 && [...nested.fields.keys()].every((k) => k === 1 || k === 2)
        ? '; a map<K, V>?'
        : '';
    return {
      type: `Field${n}`,
      nested: true,
      notes: [`AMBIGUOUS: parsed as a message ${times(f.lenMessage)}${empty}; could be bytes${mapLike}`],
    };
  }
  if (f.lenString === total)
    return { type: 'string', notes: [`AMBIGUOUS: printable UTF-8 every time${empty}${ex}; could be bytes`] };
  if (f.lenPacked === total && f.lenBytes === total)
    return {
      type: 'bytes',
      notes: [`AMBIGUOUS: reads as packed varints every time${empty}: a packed repeated int64/enum/bool?`],
    };
  const mixed = [
    f.lenMessage > 0 ? `message ${f.lenMessage}` : '',
    f.lenString > 0 ? `text ${f.lenString}` : '',
    f.lenBytes > 0 ? `binary ${f.lenBytes}` : '',
  ].filter((s) => s !== '');
  const note =
    mixed.length === 1 ? 'binary, neither text nor a message' : `AMBIGUOUS: read as ${mixed.join(', ')}`;
  return { type: 'bytes', notes: [`${note}${empty}`] };
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

/** A proto identifier from a name on the wire. */
function identifier(s: string): string {
  const id = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z]/.test(id) ? id : `X${id}`;
}

function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
}

/** Capture text inside a // comment: one line, no controls. */
function comment(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}
