/** The field table of the filter language: every name, for lookup, suggestions, --help and docs/cli.md. */
import { closest } from './closest.js';
import { CONN_FIELDS } from './fields-conn.js';
import { DIAG_FIELDS } from './fields-diag.js';
import { GRPC_FIELDS } from './fields-grpc.js';
import { HTTP2_FIELDS } from './fields-http2.js';
import { TCP_FIELDS } from './fields-tcp.js';
import type { FieldDef } from './field-types.js';

export const FILTER_FIELDS: readonly FieldDef[] = [
  ...GRPC_FIELDS,
  ...HTTP2_FIELDS,
  ...CONN_FIELDS,
  ...TCP_FIELDS,
  ...DIAG_FIELDS,
];

const BY_NAME = new Map(FILTER_FIELDS.map((f) => [f.name, f]));
const PARAMETRIC = FILTER_FIELDS.filter((f) => f.parametric);

export type FieldLookup = { ok: true; def: FieldDef; arg: string } | { ok: false; error: string };

/** `grpc.status` -> its def; `http2.header.X-Trace-Id` -> http2.header with arg "x-trace-id". */
export function lookupField(name: string): FieldLookup {
  const exact = BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
  if (exact && !exact.parametric) return { ok: true, def: exact, arg: '' };
  for (const def of PARAMETRIC) {
    const prefix = def.name + '.';
    if (name.toLowerCase().startsWith(prefix) && name.length > prefix.length) {
      const arg = name.slice(prefix.length);
      return { ok: true, def, arg: def.parametric === 'header' ? arg.toLowerCase() : arg.toUpperCase() };
    }
  }
  if (exact) return { ok: false, error: `${name} needs a name after it, e.g. ${example(exact)}` };
  const names = FILTER_FIELDS.map((f) => (f.parametric ? `${f.name}.` : f.name));
  const guess = closest(name, names);
  return {
    ok: false,
    error: `unknown field '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; fields are listed in docs/cli.md`,
  };
}

function example(def: FieldDef): string {
  return def.parametric === 'header' ? `${def.name}.x-trace-id` : `${def.name}.INITIAL_WINDOW_SIZE`;
}
