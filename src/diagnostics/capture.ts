import type { DiagnosticSpec } from './types.js';

/**
 * Diagnostics raised by the capture layer. Codes are stable: tests, filters and docs refer to them.
 * Offsets are byte offsets in the decompressed capture stream; record and block numbers count from 0,
 * like RawPacket.index.
 */
export const CAPTURE_DIAGNOSTICS = {
  'capture.not-a-capture': {
    severity: 'error',
    title: 'Not a capture',
    text: 'The input is not a pcap or pcapng capture: it is {looksLike}.',
  },
  'capture.truncated': {
    severity: 'warning',
    title: 'Capture truncated',
    text: 'The capture ends inside {what} at byte offset {offset}: {missing} more bytes were needed to complete its {part}. Everything before it was read.',
  },
  'capture.corrupt-record': {
    severity: 'error',
    title: 'Corrupt pcap record',
    text: 'Record {record} at byte offset {offset} claims {length} captured bytes ({reason}): the file is corrupt from here on, so reading stopped.',
  },
  'capture.bad-block': {
    severity: 'error',
    title: 'Corrupt pcapng block',
    text: 'Block {block} ({blockName}) at byte offset {offset} is corrupt: {reason}. Block boundaries are lost from here on, so reading stopped.',
  },
  'capture.malformed-block': {
    severity: 'warning',
    title: 'Malformed pcapng block',
    text: 'Block {block} ({blockName}) at byte offset {offset} is malformed: {reason}. The block was skipped; reading goes on with the next one.',
  },
  'capture.bad-option': {
    severity: 'warning',
    title: 'Malformed pcapng option',
    text: 'An option of block {block} ({blockName}) at byte offset {offset} is malformed: {reason}. It was ignored.',
  },
  'capture.unknown-interface': {
    severity: 'warning',
    title: 'Packet on an unknown interface',
    text: 'Packet block {block} at byte offset {offset} refers to interface {interfaceId}, {problem}. The packet was skipped.',
  },
  'capture.spb-no-timestamp': {
    severity: 'info',
    title: 'Packets without timestamps',
    text: 'The capture uses Simple Packet Blocks (first one: block {block} at byte offset {offset}), which carry no timestamp: each such packet is given the time of the packet before it.',
  },
  'capture.unknown-version': {
    severity: 'error',
    title: 'Unknown capture format version',
    text: 'The {format} header at byte offset {offset} has version {versionMajor}.{versionMinor}, which this reader does not understand, so reading stopped.',
  },
  'capture.gzip-error': {
    severity: 'error',
    title: 'Gzip decompression failed',
    text: 'Decompressing {input} failed after {bytesRead} compressed bytes: {reason}. Packets read before that point are kept.',
  },
  'capture.open-failed': {
    severity: 'error',
    title: 'Cannot open capture',
    text: 'Cannot open {path}: {reason}.',
  },
  'capture.read-failed': {
    severity: 'error',
    title: 'Reading the capture failed',
    text: 'Reading {input} failed after {bytesRead} bytes: {reason}. Packets read before that point are kept.',
  },
} as const satisfies Record<string, DiagnosticSpec>;

export type CaptureDiagnosticCode = keyof typeof CAPTURE_DIAGNOSTICS;
