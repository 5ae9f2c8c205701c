import type { DiagnosticSpec } from './types.js';

/**
 * Diagnostics raised by the connection analysis (src/analysis/, docs/analysis.md): the "expert info" that
 * explains what happened to a connection. Codes are stable: tests, filters and docs refer to them. Each
 * message says what the frames show, what it means, and what to change. Handshake failures, TLS ALPN, gaps
 * and lost HPACK state are raised where they are found (session.*, tls.*, tcp.*, h2.*), not here.
 */
export const ANALYSIS_DIAGNOSTICS = {
  // Flow control (RFC 9113 §5.2, §6.9).
  'analysis.flow.starvation': {
    severity: 'warning',
    title: 'Flow-control starvation',
    text: 'The {sender} sent {bytes} bytes on stream {stream} in {durationMs} ms but spent {stalledMs} ms of it ({percent}%) in {stalls} waits for flow-control window ({window} window; longest {longestMs} ms): {rates}. The {receiver} granted a {initialWindow}-byte stream window{defaultNote} and returned window {receiverDelayMs} ms (median) after it ran out.',
    fix: 'A window of {suggestedWindow} bytes would have removed the waits: raise the {receiver}\'s initial stream and connection windows (grpc-go WithInitialWindowSize and WithInitialConnWindowSize, grpc-java flowControlWindow, grpc-js "grpc-node.flow_control_window", nghttp2 -w/-W). If the {receiver}\'s application reads slowly, a larger window only moves the wait into its buffer.',
  },
  'analysis.flow.small-window': {
    severity: 'warning',
    title: 'Stream window set far too small',
    text: 'The {receiver} set SETTINGS_INITIAL_WINDOW_SIZE to {initialWindow} bytes, below the RFC 9113 default of 65,535: the {sender} sent {bytes} bytes on stream {stream} in {frames} DATA frames and ran that window dry {stalls} times (of about {windowFulls} window-fulls), waiting for a WINDOW_UPDATE each time ({stalledMs} ms of {durationMs} ms; on a fast link the waits are short, the round trips are not).',
    fix: 'Raise the {receiver}\'s initial stream window to at least {suggestedWindow} bytes, or stop lowering it (grpc-go WithInitialWindowSize, grpc-java flowControlWindow, grpc-js "grpc-node.flow_control_window", nghttp2 -w).',
  },
  'analysis.flow.window-overrun': {
    severity: 'error',
    title: 'DATA beyond the flow-control window',
    text:
      'The {sender} sent a {length}-byte DATA frame on stream {stream} with only {available} bytes of ' +
      '{window} window left ({overruns} such frames on this connection): a FLOW_CONTROL_ERROR (RFC 9113 ' +
      "§6.9.1). The {receiver} may close the connection with GOAWAY FLOW_CONTROL_ERROR; the {sender}'s " +
      'flow-control accounting is broken.',
  },
  'analysis.flow.window-overflow': {
    severity: 'error',
    title: 'Flow-control window above 2^31-1',
    text:
      "A WINDOW_UPDATE of {increment} from the {receiver} on stream {stream} raises the {sender}'s " +
      '{window} window to {value}, above the 2^31-1 maximum: a FLOW_CONTROL_ERROR (RFC 9113 §6.9.1).',
  },
  // SETTINGS (RFC 9113 §6.5).
  'analysis.settings.unacknowledged': {
    severity: 'warning',
    title: 'SETTINGS never acknowledged',
    text:
      "The {peer} never acknowledged the {from}'s SETTINGS frame {frame} ({values}) although the " +
      'connection went on {afterMs} ms: RFC 9113 §6.5.3 expects an immediate ACK, and the {from} may close ' +
      "the connection with SETTINGS_TIMEOUT. The {peer}'s HTTP/2 stack is stuck or not reading.",
  },
  // PING and keepalive (RFC 9113 §6.7; gRPC doc/keepalive.md).
  'analysis.keepalive.too-frequent': {
    severity: 'warning',
    title: 'Keepalive PINGs too frequent',
    text: 'The {from} sent {pings} PINGs with no stream active, one every {intervalMs} ms (median), more often than every {limitS} s. gRPC servers allow one such PING per 5 minutes by default and answer more with GOAWAY ENHANCE_YOUR_CALM "too_many_pings".',
    fix: "Set the {from}'s keepalive time to at least the server's minimum (grpc-go keepalive.ClientParameters.Time vs EnforcementPolicy.MinTime, grpc-java keepAliveTime vs permitKeepAliveTime, grpc-js grpc.keepalive_time_ms, C-core GRPC_ARG_KEEPALIVE_TIME_MS vs GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS) or relax the server, and make both sides agree on pinging without calls (PermitWithoutStream, keepalive_permit_without_calls, permitKeepAliveWithoutCalls).",
  },
  'analysis.keepalive.ping-unanswered': {
    severity: 'warning',
    title: 'PING without ACK',
    text:
      "The {from}'s PING {opaque} (frame {frame}) got no ACK although the connection went on {afterMs} ms " +
      '({unanswered} unanswered PINGs from the {from}): the {peer} is stuck or overloaded, or the path ' +
      'drops packets. A gRPC peer with keepalive closes the connection once its keepalive timeout passes.',
  },
  'analysis.keepalive.idle-dropped': {
    severity: 'warning',
    title: 'Idle connection dropped',
    text: "The connection ended with a TCP {how} after {idleMs} ms without HTTP/2 activity (no active stream, no GOAWAY){pingNote}: an idle timeout closed it, in a NAT, load balancer or proxy, or an endpoint's own (a client pool's idle limit, the server's maximum idle time; those should send GOAWAY first).",
    fix: 'If it should stay up, send keepalive PINGs more often than that timeout (and no more often than the server permits), or expect reconnects.',
  },
  // GOAWAY (RFC 9113 §6.8, §7).
  'analysis.goaway.too-many-pings': {
    severity: 'error',
    title: 'GOAWAY too_many_pings',
    text: 'The {from} sent GOAWAY ENHANCE_YOUR_CALM "{debug}" (last-stream-id {lastStreamId}): the {peer} pinged more often than the {from}\'s policy allows ({peerPings} PINGs from the {peer}, {idlePings} of them with no stream active, median interval {intervalMs} ms). Calls still open on this connection fail with UNAVAILABLE.',
    fix: "The keepalive settings of both sides must agree: the {peer}'s keepalive time (grpc-go ClientParameters.Time, grpc-java keepAliveTime, grpc-js grpc.keepalive_time_ms, C-core GRPC_ARG_KEEPALIVE_TIME_MS) must be at least the {from}'s minimum PING interval (grpc-go EnforcementPolicy.MinTime, default 5 min; grpc-java permitKeepAliveTime; C-core GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS and GRPC_ARG_HTTP2_MAX_PING_STRIKES), and both must permit PINGs without calls or neither (PermitWithoutStream, keepalive_permit_without_calls).",
  },
  'analysis.goaway.enhance-your-calm': {
    severity: 'error',
    title: 'GOAWAY ENHANCE_YOUR_CALM',
    text: 'The {from} sent GOAWAY ENHANCE_YOUR_CALM ("{debug}", last-stream-id {lastStreamId}): it judged the {peer} abusive (too many requests, resets, PINGs or SETTINGS) and closed the connection. Most likely trigger, from the {peer}\'s frames before it: {triggerText} ({triggerEvidence}), enforced by {enforcement}.',
    fix: 'Slow the {peer} down, or raise that limit if the traffic is legitimate.',
  },
  'analysis.goaway.protocol-error': {
    severity: 'error',
    title: 'GOAWAY PROTOCOL_ERROR',
    text:
      'The {from} sent GOAWAY PROTOCOL_ERROR ("{debug}", last-stream-id {lastStreamId}): it found that ' +
      'the {peer} broke the HTTP/2 protocol and closed the connection. Likely cause: {cause}.',
  },
  'analysis.goaway.flow-control-error': {
    severity: 'error',
    title: 'GOAWAY FLOW_CONTROL_ERROR',
    text:
      'The {from} sent GOAWAY FLOW_CONTROL_ERROR ("{debug}", last-stream-id {lastStreamId}): the {peer} ' +
      'sent more DATA than the window allowed, or raised a window past 2^31-1 (RFC 9113 §6.9.1). ' +
      'Likely cause: {cause}.',
  },
  'analysis.goaway.compression-error': {
    severity: 'error',
    title: 'GOAWAY COMPRESSION_ERROR',
    text:
      'The {from} sent GOAWAY COMPRESSION_ERROR ("{debug}", last-stream-id {lastStreamId}): it could not ' +
      'decode a header block of the {peer}, so the two HPACK tables are out of step (RFC 7541). Likely ' +
      'cause: {cause}.',
  },
  'analysis.goaway.error': {
    severity: 'error',
    title: 'GOAWAY with an error',
    text:
      'The {from} closed the connection with GOAWAY {errorCode} ("{debug}", last-stream-id ' +
      '{lastStreamId}): {meaning}{cause}',
  },
  'analysis.goaway.refused-streams': {
    severity: 'warning',
    title: 'Streams refused by GOAWAY',
    text: "The {from}'s GOAWAY {errorCode} (last-stream-id {lastStreamId}) refused {count} stream(s) the {peer} had opened: {streams}. They were never processed and are safe to retry on a new connection (RFC 9113 §6.8); a {peer} that does not retry shows errors (gRPC UNAVAILABLE) at every restart or deploy.",
    fix: 'To drain without refusing, send GOAWAY with last-stream-id 2^31-1 first and the real one a round trip later.',
  },
  'analysis.goaway.graceful-in-flight': {
    severity: 'info',
    title: 'Graceful shutdown with streams in flight',
    text:
      'The {from} shut the connection down with GOAWAY NO_ERROR (last-stream-id {lastStreamId}{twoStep}) ' +
      'while {count} stream(s) were in flight: {streams}. They were allowed to finish ({outcomes}); new ' +
      'requests must go to another connection.',
  },
  // Streams (RFC 9113 §5.1, §5.1.2, §8.7).
  'analysis.stream.refused': {
    severity: 'warning',
    title: 'Stream refused',
    text:
      'The {from} refused stream {stream}{request} with RST_STREAM REFUSED_STREAM ({count} on this ' +
      'connection): it did no work on it and the request is safe to retry (RFC 9113 §8.7). Servers refuse ' +
      'streams above their concurrency limit or while shutting down.',
  },
  'analysis.stream.reset': {
    severity: 'warning',
    title: 'Stream reset with an error',
    text: 'The {from} reset stream {stream}{request} with RST_STREAM {errorCode}: {meaning}',
  },
  'analysis.stream.concurrency-limit': {
    severity: 'info',
    title: 'Concurrent stream limit reached',
    text: "The {initiator} had {peak} streams open at once, the {peer}'s SETTINGS_MAX_CONCURRENT_STREAMS of {limit}: further requests had to wait for a stream to close (gRPC queues them in the client).",
    fix: 'Raise the limit on the {peer}, or spread the load over more connections.',
  },
  'analysis.stream.concurrency-exceeded': {
    severity: 'error',
    title: 'Concurrent stream limit exceeded',
    text:
      'The {initiator} opened stream {stream} while {active} of its streams were open, at or above the ' +
      "{peer}'s SETTINGS_MAX_CONCURRENT_STREAMS of {limit} (RFC 9113 §5.1.2): the {peer} must refuse it " +
      '(REFUSED_STREAM or PROTOCOL_ERROR).',
  },
  'analysis.stream.bad-state': {
    severity: 'error',
    title: 'Frame not allowed in the stream state',
    text:
      'The {from} sent {frame} on stream {stream} in state {state}: {rule} (RFC 9113 {section}); {count} ' +
      'such frame(s) on this connection. The receiver must treat it as a stream or connection error.',
  },
  // Deadlines and cancellation (gRPC PROTOCOL-HTTP2.md "Timeouts", "Client Cancellation").
  'analysis.deadline.exceeded': {
    severity: 'warning',
    title: 'Call ran out of its deadline',
    text: 'Call {method} on stream {stream} ran out of its deadline (grpc-timeout {deadline}): {how}.',
    fix: 'Either the deadline is too short for this method or the server is too slow for it ({reference}).',
  },
  'analysis.deadline.overrun': {
    severity: 'warning',
    title: 'Call went on after its deadline',
    text: "The server was still sending on stream {stream} ({method}) {overrunMs} ms after the call's {deadlineMs} ms deadline had passed{clientNote}: the client gives up at its deadline, so that work was wasted.",
    fix: 'The server handler should stop when its deadline passes or the call is cancelled (grpc-go ctx.Done(), grpc-java Context.isCancelled(), grpc-js call.cancelled, Python context.is_active()).',
  },
  'analysis.cancel.client': {
    severity: 'info',
    title: 'Call cancelled by the client',
    text: 'The client cancelled call {method} on stream {stream} with RST_STREAM CANCEL {afterMs} ms after it started ({deadlineNote}), after {responses} response message(s): the client application cancelled it (context cancel, call.cancel(), a closed stream).',
    fix: 'Expected if it was meant to; otherwise look for an early return or a dropped stream object in the client.',
  },
  // Across connections (the whole capture).
  'analysis.capture.approximate': {
    severity: 'info',
    title: 'Whole-capture analysis approximate',
    text:
      'The capture has {connections} TCP connections, more than the whole-capture analysis keeps in detail ' +
      '(captureMaxConnections {maxConnections}, captureMaxKeys {maxKeys} client/server and service/server ' +
      'pairs): bursts, pinned calls, median connection lives and evidence lists use the first {kept} ' +
      'connections, and {uncounted} connection or service entries past the pair cap are not counted. The ' +
      'churn, imbalance, pinned, burst and refused diagnostics are approximate (evidence approximate: true).',
  },
  'analysis.churn.connection-per-call': {
    severity: 'warning',
    title: 'New connection per call',
    text: 'The client {client} opened {connections} HTTP/2 connections to {server} in {spanMs} ms and {single} of them carried at most one call ({calls} calls in all; median connection life {medianMs} ms): a new connection per call instead of reusing one. Each pays a TCP handshake, a SETTINGS exchange and a cold HPACK table.',
    fix: 'Create the channel once and share it (grpc-go ClientConn, grpc-java ManagedChannel, grpc-js Client, an HTTP/2 client with a connection pool): one connection carries hundreds of concurrent calls.',
  },
  'analysis.churn.burst': {
    severity: 'warning',
    title: 'Many connections at once',
    text: 'The client {client} had {connections} connections to {server} open at once, all opened within {windowMs} ms (the first at {first}), and {why}: a connection storm, e.g. retries without backoff, a connection per call, or every client reconnecting after a restart (a channel pool opening its channels together and keeping them is not reported).',
    fix: 'Reuse connections and add jittered exponential backoff to reconnects.',
  },
  'analysis.imbalance.endpoints': {
    severity: 'warning',
    title: 'Calls unevenly spread over servers',
    text: 'Calls to {service} are spread very unevenly over {endpoints} server endpoints: {shares}; the busiest got {ratio}x the calls of the quietest. A connection-level (L4) load balancer or a pick_first policy pins calls to one backend.',
    fix: 'Use client-side round_robin load balancing over all backends, or an HTTP/2-aware (L7) proxy that balances per call.',
  },
  'analysis.imbalance.pinned': {
    severity: 'warning',
    title: 'Calls pinned to one connection',
    text: 'Calls to {service} on {server} used {connections} connections, but {busiest} carried {share}% of the {calls} calls ({shares}). Behind one address (a TCP load balancer, a VIP) each connection ends on one backend, so the backends behind the other connections sit idle.',
    fix: 'Balance per call: client-side load balancing over the backends, or an HTTP/2-aware (L7) proxy.',
  },
  'analysis.connection.refused': {
    severity: 'warning',
    title: 'TCP connection refused',
    text: 'The server {server} refused {count} TCP connection(s) from {client} (SYN answered by RST; the first at {first}){goawayNote}. Nothing was listening on that port.',
    fix: 'Clients should retry with backoff, and load balancers should stop sending to an endpoint that is draining or down.',
  },
} as const satisfies Record<string, DiagnosticSpec>;

export type AnalysisDiagnosticCode = keyof typeof ANALYSIS_DIAGNOSTICS;
