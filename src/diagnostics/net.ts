import type { DiagnosticSpec } from './types.js';

/**
 * Diagnostics raised by the net layer (link, IP and TCP header decoding). Codes are stable: tests, filters
 * and docs refer to them. `{record}` is RawPacket.index + 1, the frame number Wireshark shows.
 */
export const NET_DIAGNOSTICS = {
  'net.unknown-linktype': {
    severity: 'warning',
    title: 'Unsupported link type',
    text: 'Link type {linkType} on interface {interface} is not supported: its packets are counted and skipped (first at record {record})',
  },
  'net.truncated': {
    severity: 'warning',
    title: 'Truncated header',
    text: 'Record {record}: {layer} header cut short ({have} of {need} bytes captured); packet skipped',
  },
  'net.malformed-link': {
    severity: 'warning',
    title: 'Malformed link-layer header',
    text: 'Record {record}: malformed {layer} header: {detail}; packet skipped',
  },
  'net.malformed-ip': {
    severity: 'warning',
    title: 'Malformed IP header',
    text: 'Record {record}: malformed {layer} header: {detail}; packet skipped',
  },
  'net.malformed-tcp': {
    severity: 'warning',
    title: 'Malformed TCP header',
    text: 'Record {record}: malformed TCP header ({src} -> {dst}): {detail}; packet skipped',
  },
  'net.tcp-option': {
    severity: 'info',
    title: 'Bad TCP option',
    text: 'Record {record}: TCP option problem in SYN {src} -> {dst}: {detail}',
  },
  'net.esp': {
    severity: 'info',
    title: 'IPsec ESP',
    text: 'Record {record}: IPsec ESP payload {src} -> {dst} is encrypted and cannot be decoded; packet skipped',
  },
  'net.ipv4-fragmented': {
    severity: 'info',
    title: 'IPv4 datagram reassembled',
    text: 'Record {record}: IPv4 datagram {src} -> {dst} id {id} reassembled from {fragments} fragments ({bytes} bytes)',
  },
  'net.ipv6-fragmented': {
    severity: 'info',
    title: 'IPv6 packet reassembled',
    text: 'Record {record}: IPv6 packet {src} -> {dst} id {id} reassembled from {fragments} fragments ({bytes} bytes)',
  },
  'net.fragment-overlap': {
    severity: 'warning',
    title: 'Overlapping fragments disagree',
    text: 'Record {record}: fragments of IPv{version} datagram {src} -> {dst} id {id} overlap with different bytes ({overlapBytes} bytes overlap); the bytes received first were kept',
  },
  'net.fragment-incomplete': {
    severity: 'warning',
    title: 'Fragmented datagram never completed',
    text: 'IPv{version} datagram {src} -> {dst} id {id} never completed ({reason}): {fragments} fragments, {bytes} bytes received, first at record {record}',
  },
  'net.diagnostics-suppressed': {
    severity: 'info',
    title: 'Diagnostics suppressed',
    text: '{suppressed} more {suppressedCode} diagnostics were not reported (limit {limit} per code)',
  },
} as const satisfies Record<string, DiagnosticSpec>;

export type NetDiagnosticCode = keyof typeof NET_DIAGNOSTICS;
