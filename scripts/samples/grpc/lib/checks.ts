// What each scenario must show on the wire, checked against tshark (verify.ts). Each check throws a
// CheckError when the capture does not show it, and returns the facts it established for meta.json.
import type { CallRecord } from './calls.js';
import { CheckError, callConnections, check } from './match-calls.js';
import type { ConnectionSummary, StreamSummary } from './wire-summary.js';

type ScenarioCheck = (connections: ConnectionSummary[], expect: Record<string, unknown>) => string[];

// RFC 9113 §7 error codes.
const NO_ERROR = 0x0;
const CANCEL = 0x8;
const ENHANCE_YOUR_CALM = 0xb;
/** RFC 9113 §3.4: the client connection preface, hex. */
const PREFACE_HEX = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n').toString('hex');

function requestStreams(connections: ConnectionSummary[]): StreamSummary[] {
  return callConnections(connections).flatMap((c) => c.streams.filter((s) => s.path !== undefined));
}

function only<T>(items: T[], what: string): T {
  check(items.length === 1, `expected exactly one ${what}, tshark shows ${items.length}`);
  return items[0]!;
}

const unary: ScenarioCheck = (connections, expect) => {
  const streams = requestStreams(connections);
  const encoded = only(
    streams.filter((s) => s.grpcStatus === 9),
    'FAILED_PRECONDITION',
  );
  check(encoded.grpcMessage === expect.grpcMessageOnWire, `grpc-message on the wire: ${encoded.grpcMessage}`);
  const withDetails = only(
    streams.filter((s) => s.grpcStatusDetails !== undefined),
    'grpc-status-details-bin',
  );
  const onWire = Buffer.from(withDetails.grpcStatusDetails ?? '', 'base64').toString('hex');
  check(onWire === (expect.statusDetails as { hex: string }).hex, 'grpc-status-details-bin differs');
  const trailersOnly = streams.filter((s) => s.trailersOnly).map((s) => s.stream);
  check(trailersOnly.join() === [encoded.stream, withDetails.stream].join(), 'errors must be trailers-only');
  return [
    `stream ${encoded.stream}: grpc-status 9, grpc-message ${encoded.grpcMessage} (percent-encoded UTF-8)`,
    `stream ${withDetails.stream}: grpc-status-details-bin (base64) is the google.rpc.Status the server sent`,
    `trailers-only responses exactly on the error streams ${trailersOnly.join(', ')}`,
  ];
};

const streaming: ScenarioCheck = (connections) => {
  const streams = requestStreams(connections);
  const gzip = streams.filter((s) => s.requestEncoding === 'gzip');
  check(gzip.length === 2, `${gzip.length} streams with grpc-encoding gzip`);
  check(
    gzip.every((s) => s.requestMessages.length > 0 && s.requestMessages.every((m) => m.compressed)),
    'every request message on the gzip streams has the compressed flag',
  );
  const plain = streams.filter((s) => s.requestEncoding === undefined);
  check(
    plain.every((s) => s.requestMessages.every((m) => !m.compressed)),
    'identity streams carry no compressed message',
  );
  const watch = only(
    streams.filter((s) => s.path?.endsWith('/Watch')),
    'Watch stream',
  );
  check(watch.responseMessages.length === 5, `Watch sent ${watch.responseMessages.length} events`);
  return [
    `streams ${gzip.map((s) => s.stream).join(', ')} of the second connection: grpc-encoding gzip, all request messages flagged compressed`,
    'no compressed message anywhere else (grpc-js servers never compress responses)',
    `Watch: 5 response messages on stream ${watch.stream}`,
  ];
};

const large: ScenarioCheck = (connections, expect) => {
  const stream = only(requestStreams(connections), 'request stream');
  const size = (expect.calls as CallRecord[])[0]?.responses[0]?.size;
  check(stream.responseMessages.length === 1 && stream.responseMessages[0]?.length === size, 'one 1.2 MB message');
  const connection = only(callConnections(connections), 'connection');
  const segments = connection.tcp.server.packets;
  check(stream.dataFrames.server >= 70, `only ${stream.dataFrames.server} server DATA frames`);
  return [
    `one response message of ${size} bytes in ${stream.dataFrames.server} DATA frames on stream ${stream.stream}`,
    `server sent ${segments} TCP segments, ${connection.windowUpdates.client} client WINDOW_UPDATEs`,
  ];
};

const status: ScenarioCheck = (connections) => {
  const streams = requestStreams(connections);
  for (let code = 1; code <= 16; code++) {
    const stream = only(
      streams.filter((s) => s.grpcStatus === code && s.path?.endsWith('/Echo')),
      `Echo with grpc-status ${code}`,
    );
    check(stream.trailersOnly === true, `grpc-status ${code} on stream ${stream.stream} is not trailers-only`);
  }
  const watch = only(
    streams.filter((s) => s.path?.endsWith('/Watch')),
    'Watch stream',
  );
  check(watch.grpcStatus === 14 && watch.trailersOnly === false, 'Watch ends UNAVAILABLE in real trailers');
  check(watch.responseMessages.length === 2, 'Watch sent two events before failing');
  return [
    'grpc-status 1..16 each on exactly one Echo stream, each a trailers-only response',
    `stream ${watch.stream}: response HEADERS, 2 messages, trailers with grpc-status 14`,
  ];
};

const deadline: ScenarioCheck = (connections) => {
  const [slow, watch, ok] = requestStreams(connections);
  check(slow?.grpcTimeout !== undefined, 'the deadline call carries grpc-timeout');
  for (const stream of [slow, watch]) {
    const rst = stream?.rstStream?.find((r) => r.from === 'client');
    check(rst?.errorCode === CANCEL, `stream ${stream?.stream}: no RST_STREAM CANCEL from the client`);
  }
  check(ok?.grpcStatus === 0, 'the last call succeeds on the same connection');
  return [
    `stream ${slow?.stream}: grpc-timeout ${slow?.grpcTimeout}, RST_STREAM CANCEL (8) from the client`,
    `stream ${watch?.stream}: ${watch?.responseMessages.length} events, then RST_STREAM CANCEL (8) from the client`,
    `stream ${ok?.stream}: grpc-status 0 on the same connection`,
  ];
};

function userAgents(prefix: string): ScenarioCheck {
  return (connections) => {
    const streams = requestStreams(connections);
    check(
      streams.every((s) => s.userAgent?.startsWith(prefix)),
      `user-agent is not ${prefix}...: ${streams[0]?.userAgent}`,
    );
    return [`every request's user-agent: ${streams[0]?.userAgent}`];
  };
}

const goawayGraceful: ScenarioCheck = (connections) => {
  const [first, restarted] = callConnections(connections);
  const goaway = first?.goaway.find((g) => g.from === 'server');
  if (!first || !goaway) throw new CheckError('no GOAWAY from the server');
  check(goaway.errorCode === NO_ERROR, `the server's GOAWAY has error code ${goaway.errorCode}`);
  const inFlight = first.streams.find((s) => s.stream === goaway.lastStreamId);
  if (!inFlight) throw new CheckError(`no stream ${goaway.lastStreamId} (the GOAWAY's last-stream-id)`);
  check(inFlight.packets[0] < goaway.packet, `stream ${inFlight.stream} starts after the GOAWAY`);
  check(inFlight.packets[1] > goaway.packet && inFlight.grpcStatus === 0, 'the in-flight call completes OK');
  const refused = only(
    connections.filter((c) => c.tcp.server.rst > 0 && c.tcp.server.syn === 0),
    'refused connection',
  );
  check(restarted?.streams.length === 1 && restarted.streams[0]?.grpcStatus === 0, 'restarted server: one OK call');
  return [
    `server GOAWAY NO_ERROR last-stream-id ${goaway.lastStreamId} in packet ${goaway.packet}; stream ` +
      `${inFlight.stream} (started before) completes OK after it, in packet ${inFlight.packets[1]}`,
    `tcp.stream ${refused.tcpStream}: the call started after GOAWAY gets SYN -> RST (port closed)`,
    `tcp.stream ${restarted?.tcpStream}: new connection to the restarted server, one OK call`,
  ];
};

const tooManyPings: ScenarioCheck = (connections) => {
  const connection = only(callConnections(connections), 'connection');
  const goaway = connection.goaway.find((g) => g.from === 'server');
  check(goaway?.errorCode === ENHANCE_YOUR_CALM, `server GOAWAY code ${goaway?.errorCode}`);
  check(goaway?.debugData === 'too_many_pings', `GOAWAY debug data ${goaway?.debugData}`);
  check(connection.pings.client.sent >= 3, `only ${connection.pings.client.sent} client PINGs`);
  return [
    `server GOAWAY ENHANCE_YOUR_CALM (0xb) debug "too_many_pings" last-stream-id ${goaway?.lastStreamId} in packet ${goaway?.packet}`,
    `client sent ${connection.pings.client.sent} PINGs (server ACKed ${connection.pings.server.acks})`,
  ];
};

const smallWindow: ScenarioCheck = (connections) => {
  const connection = only(callConnections(connections), 'connection');
  const stalls = connection.stalls.filter((s) => s.from === 'server' && s.window === 'stream' && s.waitedMs >= 100);
  check(stalls.length >= 2, `${stalls.length} server stalls of 100 ms or more on a used-up stream window`);
  const waits = stalls.map((s) => `${Math.round(s.waitedMs)} ms`).join(', ');
  return [
    `server used up the stream window ${stalls.length} times and waited for WINDOW_UPDATE: ${waits}`,
    `client sent ${connection.windowUpdates.client} WINDOW_UPDATEs`,
  ];
};

const connPerCall: ScenarioCheck = (connections) => {
  const withCalls = callConnections(connections);
  check(withCalls.every((c) => c.streams.length === 1 && c.streams[0]?.stream === 1), 'one call per connection');
  return [`${withCalls.length} connections, each with one call on stream 1`];
};

const keepalive: ScenarioCheck = (connections) => {
  const connection = only(callConnections(connections), 'connection');
  const { client, server } = connection.pings;
  check(client.sent >= 3 && server.acks === client.sent, `client PINGs ${client.sent}, server ACKs ${server.acks}`);
  check(
    connection.goaway.every((g) => g.errorCode === NO_ERROR),
    'no GOAWAY with an error (the server allows the pings)',
  );
  return [`client sent ${client.sent} keepalive PINGs, server ACKed all ${server.acks}; no error GOAWAY`];
};

const noServerHandshake: ScenarioCheck = (connections) => {
  const connection = only(connections, 'connection');
  check(connection.tcp.server.payloadBytes === 0, 'the server sends no byte');
  check(connection.tcp.client.firstPayload?.startsWith(PREFACE_HEX) === true, 'the client sends the preface');
  check(connection.http2Frames.client === 1, `client sent ${connection.http2Frames.client} frames, not just SETTINGS`);
  return ['client: preface + SETTINGS (one frame); server: TCP handshake only, no payload byte'];
};

const http1Server: ScenarioCheck = (connections, expect) => {
  const connection = only(connections, 'connection');
  const first = Buffer.from(connection.tcp.server.firstPayload ?? '', 'hex').toString('latin1');
  check(first === expect.serverFirstBytes, `server's first bytes: ${JSON.stringify(first)}`);
  return [`client sends the preface; server answers ${JSON.stringify(first)} and closes`];
};

const imbalance: ScenarioCheck = (connections, expect) => {
  const perPort = expect.callsPerPort as Record<string, number>;
  const seen: string[] = [];
  for (const [port, count] of Object.entries(perPort)) {
    const connection = only(
      connections.filter((c) => c.server.endsWith(`:${port}`)),
      `connection to port ${port}`,
    );
    check(connection.streams.length === count, `port ${port}: ${connection.streams.length} calls, not ${count}`);
    seen.push(`${port}: ${count}`);
  }
  return [`calls per server port: ${seen.join(', ')}`];
};

export const SCENARIO_CHECKS: Record<string, ScenarioCheck> = {
  'grpc-js-unary': unary,
  'grpc-js-streaming': streaming,
  'grpc-js-large': large,
  'grpc-js-status': status,
  'grpc-js-deadline': deadline,
  'py-client-js-server': userAgents('grpc-python/'),
  'js-client-py-server': userAgents('grpc-node-js/'),
  'grpc-goaway-graceful': goawayGraceful,
  'grpc-too-many-pings': tooManyPings,
  'grpc-small-window': smallWindow,
  'grpc-conn-per-call': connPerCall,
  'grpc-keepalive': keepalive,
  'grpc-no-server-handshake': noServerHandshake,
  'grpc-http1-server': http1Server,
  'grpc-imbalance': imbalance,
};
