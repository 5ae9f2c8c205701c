import type { Diagnostic } from '../diagnostics/types.js';
import type { Endpoint } from '../net/types.js';
import type { TcpAnalysisView, TcpAnalysisRecordParts } from './tcp-analysis.js';

/** 0: from endpoint `a` to `b`; 1: from `b` to `a`. */
export type Dir = 0 | 1;

/** How the reassembler chose which endpoint is the client. */
export type ClientRule = 'syn' | 'port';

export interface TcpConnectionInfo {
  /** Stable id "c1", "c2", ... in order of first packet. A reused 4-tuple after close gets a new id. */
  id: string;
  /** `a` is the client by `clientRule`; the h2 layer may swap roles later (rule 'preface'). */
  a: Endpoint;
  b: Endpoint;
  clientRule: ClientRule;
  synSeen: boolean;
  start: number;
  firstPacketIndex: number;
  /**
   * The connection's TCP analysis so far (handshake, retransmission delays), for observers that time calls;
   * set by the flow table, absent on hand-built infos.
   */
  analysis?: TcpAnalysisView;
}

export interface TcpConnectionStats {
  packets: [number, number];
  /** TCP payload bytes seen on the wire per direction, retransmissions included. */
  wireBytes: [number, number];
  /** Bytes delivered in order per direction (retransmitted and overlapping bytes counted once). */
  bytes: [number, number];
  retransmissions: [number, number];
  outOfOrder: [number, number];
  /** Bytes never seen (gaps) per direction. */
  lostBytes: [number, number];
  /**
   * Segments ignored because they lie before the first byte of their direction (mid-connection start,
   * `tcp.before-start`). Added by the tcp layer; always filled by FlowTable, optional for literals.
   */
  beforeStart?: [number, number];
  /** The tcp.analysis-like figures (src/tcp/tcp-analysis.ts); filled by FlowTable, optional for literals. */
  analysis?: { record(): TcpAnalysisRecordParts };
}

export type TcpEndReason = 'fin' | 'rst' | 'capture-end' | 'port-reuse' | 'idle-evicted';

export type TcpEvent =
  | { kind: 'open'; conn: TcpConnectionInfo }
  /**
   * In-order payload bytes. `gapBefore`: bytes lost just before this chunk (0 none; -1 when the start of
   * this direction was never seen, i.e. the first chunk of a mid-connection capture).
   * `time`/`packetIndex`: the packet whose arrival made these bytes deliverable.
   */
  | {
      kind: 'data';
      conn: string;
      dir: Dir;
      data: Buffer;
      /** Stream offset of data[0] within this direction (0 = first byte after the SYN or first seen). */
      offset: number;
      gapBefore: number;
      time: number;
      packetIndex: number;
    }
  | { kind: 'fin'; conn: string; dir: Dir; time: number; packetIndex: number }
  | { kind: 'rst'; conn: string; dir: Dir; time: number; packetIndex: number }
  /** Every packet of the connection, for counters and per-connection packet lists (pcap export). */
  | { kind: 'packet'; conn: string; dir: Dir; packetIndex: number; time: number; payloadLength: number }
  | { kind: 'end'; conn: string; time: number; reason: TcpEndReason; stats: TcpConnectionStats }
  | { kind: 'diagnostic'; diagnostic: Diagnostic };
