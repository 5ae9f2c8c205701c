// Checks the calls a scenario says it made (meta.json expect.calls) against tshark's streams, and notes on
// each call where tshark found it (tcpStream, stream) and the grpc-status on the wire.
import { NO_CONNECTION, type CallRecord } from './calls.js';
import type { MessageRecord } from './codec.js';
import type { ConnectionSummary, StreamSummary, WireMessage } from './wire-summary.js';

export interface MatchedCall extends CallRecord {
  tcpStream?: number;
  stream?: number;
  /** grpc-status in the response's trailers (or trailers-only response); null when none went on the wire. */
  wireStatus?: number | null;
}

export class CheckError extends Error {}

export function check(condition: boolean, message: string): void {
  if (!condition) throw new CheckError(message);
}

/** Connections in capture order that carried at least one request (a HEADERS with :path). */
export function callConnections(connections: ConnectionSummary[]): ConnectionSummary[] {
  return connections.filter((c) => c.streams.some((s) => s.path !== undefined));
}

export function matchCalls(
  calls: MatchedCall[],
  connections: ConnectionSummary[],
  tcpConnections: number | undefined,
): string[] {
  const withCalls = callConnections(connections);
  const checks: string[] = [];
  if (tcpConnections !== undefined) {
    check(connections.length === tcpConnections, `${tcpConnections} TCP connections expected, tshark shows ${connections.length}`);
    checks.push(`${tcpConnections} TCP connection(s)`);
  }
  const byConnection = new Map<number, MatchedCall[]>();
  for (const call of calls) byConnection.set(call.connection, [...(byConnection.get(call.connection) ?? []), call]);
  for (const [index, group] of byConnection) {
    if (index === NO_CONNECTION) {
      for (const call of group) checks.push(`${call.method}: never reached a stream, client status ${call.statusName}`);
      continue;
    }
    const connection = withCalls[index];
    if (!connection) throw new CheckError(`connection ${index}: tshark shows no such connection with requests`);
    const streams = connection.streams.filter((s) => s.path !== undefined);
    check(
      streams.length === group.length,
      `connection ${index}: ${group.length} calls expected, tshark shows ${streams.length} request streams`,
    );
    streams.forEach((stream, i) => checks.push(matchCall(group[i]!, connection.tcpStream, stream)));
  }
  return checks;
}

function matchCall(call: MatchedCall, tcpStream: number, stream: StreamSummary): string {
  const where = `tcp.stream ${tcpStream} stream ${stream.stream}`;
  check(stream.path === call.method, `${where}: :path ${stream.path} but the call was ${call.method}`);
  call.tcpStream = tcpStream;
  call.stream = stream.stream;
  call.wireStatus = stream.grpcStatus ?? null;
  const local = call.cancelledByClient === true || stream.grpcStatus === undefined;
  sameMessages(call.requests, stream.requestMessages, call.requestEncoding !== undefined, false, `${where} requests`);
  sameMessages(call.responses, stream.responseMessages, call.responseEncoding === undefined ? false : 'when smaller', local, `${where} responses`);
  if (stream.grpcStatus !== undefined && !call.cancelledByClient) {
    check(stream.grpcStatus === call.status, `${where}: grpc-status ${stream.grpcStatus}, client saw ${call.status}`);
    if (stream.grpcMessage !== undefined && call.status !== 0) {
      const decoded = decodeURIComponent(stream.grpcMessage);
      check(decoded === call.message, `${where}: grpc-message ${JSON.stringify(decoded)} != ${call.message}`);
    }
  }
  const status = stream.grpcStatus === undefined ? 'no grpc-status on the wire' : `grpc-status ${stream.grpcStatus}`;
  return (
    `${call.method} on ${where}: ${stream.requestMessages.length} request / ` +
    `${stream.responseMessages.length} response messages, ${status}, client status ${call.statusName}`
  );
}

/**
 * Message lengths must equal the serialized sizes, except compressed ones (only counted). When the client
 * stopped reading (cancel, deadline), the wire may carry more than it decoded.
 */
function sameMessages(
  expected: MessageRecord[],
  wire: WireMessage[],
  compressed: boolean | 'when smaller',
  clientStopped: boolean,
  what: string,
): void {
  const count = clientStopped ? wire.length >= expected.length : wire.length === expected.length;
  check(count, `${what}: ${expected.length} messages expected, tshark shows ${wire.length}`);
  expected.forEach((message, i) => {
    const seen = wire[i]!;
    // 'when smaller': C-core sends a message uncompressed when gzip would not shrink it.
    if (compressed !== 'when smaller')
      check(seen.compressed === compressed, `${what} #${i}: compressed flag ${seen.compressed}`);
    if (!seen.compressed) check(seen.length === message.size, `${what} #${i}: length ${seen.length} != ${message.size}`);
  });
}
