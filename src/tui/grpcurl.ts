/**
 * A grpcurl command line that replays a call: address, -plaintext for h2c, -authority, the request
 * metadata as -H, the deadline as -max-time, and the request message(s) as -d JSON when a schema decoded
 * them (grpcurl reads a stream of JSON objects for client streaming). Without a schema the request cannot
 * be written as JSON: the command says so. grpcurl also needs the service definition: server reflection,
 * or -proto FILE (-import-path DIR) as given to h2scope --proto.
 */
import type { CallRecord, ConnectionRecord } from '../records/records.js';
import { safe } from './format.js';

/** Headers grpcurl sets itself or that describe the transport, not the application. */
const TRANSPORT = new Set([
  'user-agent',
  'te',
  'content-type',
  'grpc-accept-encoding',
  'grpc-encoding',
  'grpc-timeout',
  'accept-encoding',
]);

/** POSIX shell single quotes; the text is escaped first (capture content never reaches the terminal raw). */
export function shellQuote(s: string): string {
  const t = safe(s);
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(t) ? t : `'${t.replace(/'/g, `'\\''`)}'`;
}

function metadataArgs(call: CallRecord): string[] {
  const args: string[] = [];
  for (const m of call.metadata.request) {
    if (TRANSPORT.has(m.name)) continue;
    // grpcurl takes -bin values base64-encoded; h2scope keeps the decoded bytes as hex.
    const value = m.binary ? Buffer.from(m.value, 'hex').toString('base64') : m.value;
    args.push('-H', shellQuote(`${m.name}: ${value}`));
  }
  return args;
}

function requestJson(call: CallRecord): string | null {
  if (call.requests.length === 0) return null;
  const values: string[] = [];
  for (const r of call.requests) {
    if (r.decoded.kind !== 'schema') return null;
    values.push(JSON.stringify(r.decoded.value));
  }
  return values.join(' ');
}

export interface Grpcurl {
  command: string;
  /** Why the command is incomplete, if it is. */
  note: string | null;
}

export function grpcurlCommand(call: CallRecord, conn: ConnectionRecord | null): Grpcurl {
  const args = ['grpcurl'];
  if (conn?.protocol !== 'h2' && conn?.protocol !== 'tls') args.push('-plaintext');
  if (call.authority && call.authority !== conn?.server) args.push('-authority', shellQuote(call.authority));
  args.push(...metadataArgs(call));
  if (call.deadlineMs !== null) args.push('-max-time', String(call.deadlineMs / 1000));
  const json = requestJson(call);
  if (json !== null) args.push('-d', shellQuote(json));
  args.push(shellQuote(conn?.server ?? call.authority ?? 'HOST:PORT'));
  args.push(shellQuote((call.method ?? '/SERVICE/METHOD').replace(/^\//, '')));
  let note: string | null = null;
  if (call.method === null) note = 'the request headers were not captured: method unknown';
  else if (json === null && call.requestCount > 0)
    note = 'request not decoded with a schema (load it with --proto): add -d JSON yourself';
  return { command: args.join(' '), note };
}
