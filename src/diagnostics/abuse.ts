import type { DiagnosticSpec } from './types.js';

/**
 * Abuse and overload patterns found by the connection analysis (src/analysis/abuse.ts, docs/analysis.md
 * "Abuse and overload"): each says what the frames show with its rate, which side did it, and the setting of
 * the receiving side that enforces a limit on it. Raised once per pattern and side, as soon as the rate is
 * exceeded. Thresholds and their sources: src/analysis/abuse-limits.ts.
 */
export const ABUSE_DIAGNOSTICS = {
  'analysis.abuse.rapid-reset': {
    severity: 'error',
    title: 'HTTP/2 Rapid Reset',
    text: 'The {from} opened streams and reset them itself before any answer, {prematureResets} of its {opened} streams so far ({share}%), {count} in {spanMs} ms ({rateText}, above {limitRate} per second after a burst of {limitBurst}): the HTTP/2 Rapid Reset pattern (CVE-2023-44487), which makes a {peer} start work for requests it never gets to answer, without the concurrency limit ever applying.',
    fix: "The {peer}'s defence: nghttp2 >= 1.57 (nghttpd, Node >= 20.8.1 and so grpc-js) nghttp2_option_set_stream_reset_rate_limit (Node streamResetBurst/streamResetRate, 1,000 and 33/s), Envoy >= 1.27.1 overload.premature_reset_total_stream_count, Go >= 1.21.3 http2.Server.MaxConcurrentStreams (bounds the handlers), nginx >= 1.25.3 http2_max_concurrent_streams and keepalive_requests, HAProxy tune.h2.fe.glitches-threshold.",
  },
  'analysis.abuse.continuation-flood': {
    severity: 'error',
    title: 'CONTINUATION flood',
    text: 'The {from} sent {continuations} CONTINUATION frames ({bytes} header block bytes so far, {empty} of them empty) after the {type} of stream {stream} in {spanMs} ms without ending the header block, more than the {limit} a {peer} built on nghttp2 >= 1.61 accepts: a CONTINUATION flood (CVE-2024-27316, CVE-2024-28182, CVE-2023-45288), which makes a {peer} buffer or decode headers it can never act on.',
    fix: "The {peer}'s defence: nghttp2_option_set_max_continuations (default 8), Go MaxHeaderBytes (golang.org/x/net >= 0.23), Envoy max_request_headers_kb, Apache httpd >= 2.4.59 LimitRequestFieldSize, SETTINGS_MAX_HEADER_LIST_SIZE ({maxHeaderListSize}).",
  },
  'analysis.abuse.ping-flood': {
    severity: 'warning',
    title: 'PING flood',
    text: 'The {from} sent {count} PINGs in {spanMs} ms ({rateText}, above {limitRate} per second after a burst of {limitBurst}; {total} in all), each asking the {peer} for an ACK: a PING flood (CVE-2019-9512) when the ACKs back up.',
    fix: 'The {peer}\'s defence: nghttp2 max outbound ACKs (nghttp2_option_set_max_outbound_ack, 1,000; Node and grpc-js answer with GOAWAY), Envoy max_outbound_control_frames (1,000), Go 10,000 queued control frames, gRPC servers GRPC_ARG_HTTP2_MAX_PING_STRIKES and the minimum PING interval (GOAWAY ENHANCE_YOUR_CALM "too_many_pings").',
  },
  'analysis.abuse.settings-flood': {
    severity: 'warning',
    title: 'SETTINGS flood',
    text: 'The {from} sent {count} SETTINGS frames in {spanMs} ms ({rateText}, above {limitRate} per second after a burst of {limitBurst}; {total} in all), each to be applied and acknowledged by the {peer}: a SETTINGS flood (CVE-2019-9515).',
    fix: "The {peer}'s defence: nghttp2 nghttp2_option_set_max_outbound_ack (1,000) and nghttp2_option_set_max_settings (32 entries), Envoy max_outbound_control_frames (1,000), Go 10,000 queued control frames, Node maxSettings.",
  },
  'analysis.abuse.empty-frames': {
    severity: 'warning',
    title: 'Empty frame flood',
    text: 'The {from} sent {count} {types} frames without payload and without END_STREAM in {spanMs} ms ({rateText}, above {limitRate} per second after a burst of {limitBurst}; {total} in all): frames that cost the {peer} work and carry nothing, the empty-frames flood (CVE-2019-9518).',
    fix: "The {peer}'s defence: Envoy max_consecutive_inbound_frames_with_empty_payload (default 1), Node maxSessionInvalidFrames.",
  },
  'analysis.abuse.window-update-flood': {
    severity: 'warning',
    title: 'WINDOW_UPDATE flood',
    text: 'The {from} sent {count} WINDOW_UPDATE frames in {spanMs} ms ({rateText}) while the {peer} sent it only {dataFrames} DATA frames, more than {limit} per DATA frame: window it does not need, each frame work for the {peer}.',
    fix: "The {peer}'s defence: Envoy max_inbound_window_update_frames_per_data_frame_sent (default 10).",
  },
  'analysis.abuse.hpack-bomb': {
    severity: 'error',
    title: 'HPACK bomb from a peer',
    text: 'The {from} sent {bombs} header block(s) that decode to far more than they weigh: the largest, on stream {stream}, {blockBytes} bytes for {size} bytes of header fields ({ratio} times): an HPACK bomb (CVE-2016-6581 family; h2.hpack.bomb has the fields). A {peer} that decodes it holds the whole list: its SETTINGS_MAX_HEADER_LIST_SIZE is {maxHeaderListSize} and its SETTINGS_HEADER_TABLE_SIZE {headerTableSize}.',
    fix: "The {peer}'s defence: enforce a header list limit and announce it in SETTINGS_MAX_HEADER_LIST_SIZE (Go http2.Server MaxHeaderBytes and Transport MaxHeaderListSize, Envoy max_request_headers_kb, nginx large_client_header_buffers; nghttp2 itself stops at 64 KiB per field), answering with RST_STREAM or GOAWAY COMPRESSION_ERROR or ENHANCE_YOUR_CALM.",
  },
} as const satisfies Record<string, DiagnosticSpec>;
