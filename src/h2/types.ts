import type { Diagnostic } from '../diagnostics/types.js';
import type { FrameRecord, Role } from '../records/records.js';
import type { HpackBlockReport } from './hpack-representations.js';

/** A frame as cut from the byte stream, before its payload is interpreted. */
export interface RawFrame {
  type: number;
  flags: number;
  stream: number;
  /** Length from the frame header. */
  length: number;
  payload: Buffer;
  /** Capture time and record number of the packet that completed the frame. */
  time: number;
  packetIndex: number;
  /** Offset of the frame header within this direction's byte stream. */
  offset: number;
}

export interface HeaderField {
  name: string;
  /** UTF-8 when the bytes are valid UTF-8, otherwise latin1 (one char per byte). */
  value: string;
  /** The exact value bytes (gRPC `-bin` metadata can be any bytes). */
  raw: Buffer;
}

export interface HpackUnknown {
  /** The unknown entries referred to, as ids stable from block to block (PartialTable.unknownEntryId). */
  entries: number[];
  /** Literal fields whose names were borrowed from such entries: which entry, and the (known) value. */
  names: Array<{ entry: number; value: string }>;
  /** They were made before the capture began (a capture that joined the connection late). */
  beforeCapture: boolean;
}

/** RFC 7541 §4.1: size is the sum of (name + value + 32) over the entries; maxSize null while unknown. */
export interface HpackTableState {
  size: number;
  maxSize: number | null;
  known: boolean;
}

export type H2Event =
  | {
      kind: 'frame';
      frame: FrameRecord;
      /** DATA frames: the data without padding, for the gRPC layer. */
      data?: Buffer;
      /**
       * The whole frame payload (padding included) as the frame reader cut it: a view, not a copy, valid
       * as long as the event; sinks that keep bytes copy them (the TUI store's hex pane). Not in the JSON.
       */
      payload?: Buffer;
      /** HEADERS/PUSH_PROMISE (on the frame that completes the block): the decoded fields with raw bytes. */
      fields?: HeaderField[];
      /** With `fields`: the sender's HPACK dynamic table after this block (for the analysis layer). */
      hpack?: HpackTableState;
      /**
       * With `fields`: each field's representation, the block's size updates and the entries it added,
       * for the HPACK inspector (dynamicTableAt replays them). Not part of the JSON FrameRecord.
       */
      hpackBlock?: HpackBlockReport;
      /**
       * With `fields`, when the block was read whole but some fields needed dynamic table entries from
       * before an HPACK loss (a capture that joined late, a gap). The h2 layer summarizes such losses once
       * per direction (h2.hpack.unknown-entries); consumers need not warn per block.
       */
      hpackUnknown?: HpackUnknown;
    }
  | { kind: 'diagnostic'; diagnostic: Diagnostic };

export type { Role };
