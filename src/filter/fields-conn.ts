/**
 * conn.* fields: a connection (ConnectionRecord). Frames, calls and diagnostics read them from the
 * connection they belong to, when the caller knows it (conn.id is always known).
 */
import type { ConnectionRecord } from '../records/records.js';
import { splitEndpoint } from './endpoint.js';
import { present, type ConnectionContext, type FieldDef } from './field-types.js';

const PROTOCOLS: ReadonlyArray<ConnectionRecord['protocol']> = ['h2c', 'h2', 'http/1.1', 'tls', 'unknown'];
const END_REASONS: ReadonlyArray<ConnectionRecord['endReason']> = [
  'fin',
  'rst',
  'capture-end',
  'port-reuse',
  'idle-evicted',
  'open',
];

function ip(endpoint: string | undefined): string | null {
  return endpoint === undefined ? null : (splitEndpoint(endpoint)?.ip ?? null);
}
function port(endpoint: string | undefined): number | null {
  return endpoint === undefined ? null : (splitEndpoint(endpoint)?.port ?? null);
}

function text(description: string, conn: (c: ConnectionContext) => string | null | undefined): FieldDef {
  return { name: '', number: false, string: true, description, conn };
}
function num(description: string, conn: (c: ConnectionContext) => number | null | undefined): FieldDef {
  return { name: '', number: true, string: false, description, conn };
}
function both(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined ? null : a + b;
}

const defs: Record<string, FieldDef> = {
  'conn.id': text('connection id: "c1", "c2", ...', (c) => c.id),
  'conn.client': text('client endpoint "ip:port" ("[::1]:40000" for IPv6)', (c) => c.client),
  'conn.server': text('server endpoint "ip:port"', (c) => c.server),
  'conn.client.ip': text('client address', (c) => ip(c.client)),
  'conn.server.ip': text('server address', (c) => ip(c.server)),
  'conn.client.port': num('client TCP port', (c) => port(c.client)),
  'conn.server.port': num('server TCP port', (c) => port(c.server)),
  'conn.ip': {
    name: '',
    number: false,
    string: true,
    description: 'either address',
    conn: (c) => present(ip(c.client), ip(c.server)),
  },
  'conn.port': {
    name: '',
    number: true,
    string: false,
    description: 'either TCP port',
    conn: (c) => present(port(c.client), port(c.server)),
  },
  'conn.protocol': {
    name: '',
    number: false,
    string: true,
    ignoreCase: true,
    names: { list: PROTOCOLS },
    description: `what the connection carries: ${PROTOCOLS.join(', ')}`,
    conn: (c) => c.protocol,
  },
  'conn.end': {
    name: '',
    number: false,
    string: true,
    ignoreCase: true,
    names: { list: END_REASONS },
    description: `how the TCP connection ended: ${END_REASONS.join(', ')}`,
    conn: (c) => c.endReason,
  },
  'conn.frames': num('HTTP/2 frames decoded', (c) => c.frameCount),
  'conn.packets': num('packets, both directions', (c) => both(c.packets?.client, c.packets?.server)),
  'conn.bytes': num('payload bytes, both directions', (c) => both(c.bytes?.client, c.bytes?.server)),
  'conn.duration': num('ms from first packet to end', (c) =>
    c.start === undefined || c.end === undefined ? null : (c.end - c.start) * 1000,
  ),
  'conn.sni': text('TLS server name', (c) => c.tls?.sni),
};

export const CONN_FIELDS: FieldDef[] = Object.entries(defs).map(([name, def]) => ({ ...def, name }));
