/**
 * Thresholds of the abuse detectors (docs/analysis.md, "Abuse and overload"), each next to the limit of a
 * real implementation it is modelled on. Rates are token buckets over capture time (token-bucket.ts):
 * `burst` events at once, `rate` per second sustained; a pattern is raised at the event that finds the
 * bucket empty. They are deliberately below the enforcers' own limits where those are generous (nghttp2
 * lets 1,000 resets through at once), so the diagnostic comes before the GOAWAY, not with it.
 */
export interface AbuseLimits {
  /**
   * Rapid Reset (CVE-2023-44487): streams the client opened and reset itself before any response frame.
   * nghttp2 >= 1.57 (nghttpd, Node >= 20.8.1, so grpc-js servers): nghttp2_option_set_stream_reset_rate_limit,
   * burst 1,000 and 33 per second, then GOAWAY. Envoy >= 1.27.1: a connection with more than half its
   * streams reset within 1 s of opening (overload.premature_reset_min_stream_lifetime_seconds) is closed.
   */
  rapidResetBurst: number;
  rapidResetRate: number;
  /** A reset counts as premature when it comes this soon after the stream opened (Envoy's 1 s). */
  prematureResetMs: number;
  /** ...and the premature resets are at least this share of the streams the side opened (Envoy's 50 %). */
  rapidResetMinShare: number;
  /**
   * CONTINUATION flood (CVE-2024-27316, CVE-2024-28182, CVE-2023-45288): CONTINUATION frames of one header
   * block. nghttp2 >= 1.61 (and Debian's 1.52 with the backport) closes the connection past 8
   * (nghttp2_option_set_max_continuations); Go bounds the bytes by MaxHeaderBytes, Envoy by
   * max_request_headers_kb, Apache httpd 2.4.59 by LimitRequestFieldSize.
   */
  maxContinuations: number;
  /**
   * PING flood (CVE-2019-9512): non-ACK PINGs. nghttp2 queues at most 1,000 outgoing ACKs
   * (nghttp2_option_set_max_outbound_ack), Envoy max_outbound_control_frames 1,000, Go 10,000 queued
   * control frames; gRPC C-core allows 2 strikes of PINGs under its minimum interval.
   */
  pingBurst: number;
  pingRate: number;
  /** SETTINGS flood (CVE-2019-9515): non-ACK SETTINGS, whose ACKs queue up the same way. */
  settingsBurst: number;
  settingsRate: number;
  /**
   * Empty frames (CVE-2019-9518): DATA, HEADERS or CONTINUATION without payload and without END_STREAM.
   * Envoy closes at more than 1 consecutive (max_consecutive_inbound_frames_with_empty_payload); a healthy
   * peer almost never sends one.
   */
  emptyBurst: number;
  emptyRate: number;
  /**
   * WINDOW_UPDATE flood: WINDOW_UPDATEs from a side against the DATA frames it received. Envoy closes past
   * 10 per DATA frame sent plus one (max_inbound_window_update_frames_per_data_frame_sent).
   */
  windowUpdatesPerData: number;
  windowUpdateMinCount: number;
  /** Streams opened by a side: the "load" a server may calm (only read to classify a GOAWAY). */
  openBurst: number;
  openRate: number;
}

export const DEFAULT_ABUSE_LIMITS: AbuseLimits = {
  rapidResetBurst: 100,
  rapidResetRate: 33,
  prematureResetMs: 1_000,
  rapidResetMinShare: 0.5,
  maxContinuations: 8,
  pingBurst: 100,
  pingRate: 10,
  settingsBurst: 100,
  settingsRate: 10,
  emptyBurst: 100,
  emptyRate: 10,
  windowUpdatesPerData: 10,
  windowUpdateMinCount: 100,
  openBurst: 1_000,
  openRate: 100,
};
