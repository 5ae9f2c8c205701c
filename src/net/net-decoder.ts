import type { RawPacket } from '../capture/types.js';
import { diag } from '../diagnostics/make.js';
import { NET_DIAGNOSTICS, type NetDiagnosticCode } from '../diagnostics/net.js';
import type { Diagnostic, DiagnosticParams } from '../diagnostics/types.js';
import { AddressCache } from './address-cache.js';
import { EndpointCache } from './endpoint-cache.js';
import { DEFAULT_FRAGMENT_LIMITS, type FragmentLimits } from './fragment-reassembler.js';
import { type CompletedIpDatagram, type IncompleteIpDatagram, IpFragments } from './ip-fragments.js';
import { IpHeader } from './ip-header.js';
import { IPPROTO_ESP, IPPROTO_TCP, skipReasonFor } from './ip-protocol.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { mayLeadToTcp, walkExtensionHeaders } from './ipv6-extensions.js';
import {
  ESP_STOP,
  type LayerName,
  type LayerStop,
  type SkipReason,
  malformed,
  skip,
  truncated,
} from './layer-stop.js';
import { LinkHeader } from './link-header.js';
import { decodeLink, isSupportedLinkType } from './link-layer.js';
import { ETHERTYPE_IPV4 } from './link-types.js';
import { decodeTcp } from './tcp-header.js';
import { TcpSynOptions } from './tcp-options.js';
import type { TcpSegment } from './types.js';

export type { SkipReason } from './layer-stop.js';

/**
 * Every pushed packet yields exactly one `tcp` or `skipped` event (so the engine can count packets by
 * outcome), preceded by any diagnostics it caused. A fragment held for reassembly is `skipped: 'fragment'`;
 * the fragment that completes a datagram yields the `tcp` event.
 */
export type NetEvent =
  | { kind: 'tcp'; segment: TcpSegment }
  | { kind: 'skipped'; packetIndex: number; reason: SkipReason }
  | { kind: 'diagnostic'; diagnostic: Diagnostic };

export interface NetDecoderOptions {
  /** IP reassembly limits, per IP version (defaults: 30 s, 1024 datagrams, 16 MiB, 1024 fragments each). */
  fragments?: Partial<FragmentLimits>;
  /**
   * Diagnostics reported per code before the rest are only counted (one summary per code at finish()).
   * A capture cut at a small snaplen would otherwise raise one per packet. Default 100.
   */
  maxDiagnosticsPerCode?: number;
}

const DEFAULT_MAX_DIAGNOSTICS_PER_CODE = 100;

/** Link, IP and TCP header decoding: RawPacket in, TCP segments out (gopacket-style layer chain). */
export class NetDecoder {
  private readonly link = new LinkHeader();
  private readonly ip = new IpHeader();
  private readonly synOptions = new TcpSynOptions();
  private readonly addresses = new AddressCache();
  private readonly endpoints = new EndpointCache();
  private readonly fragments: IpFragments;
  private readonly unknownLinkTypes = new Set<number>();
  private readonly diagnosticCounts = new Map<NetDiagnosticCode, number>();
  private readonly maxDiagnosticsPerCode: number;

  constructor(options: NetDecoderOptions = {}) {
    this.fragments = new IpFragments({ ...DEFAULT_FRAGMENT_LIMITS, ...options.fragments });
    this.maxDiagnosticsPerCode = options.maxDiagnosticsPerCode ?? DEFAULT_MAX_DIAGNOSTICS_PER_CODE;
  }

  push(raw: RawPacket): NetEvent[] {
    const out: NetEvent[] = [];
    this.reportIncomplete(this.fragments.expire(raw.time), out);
    const result = this.decodePacket(raw, out);
    if ('kind' in result) this.stopped(raw, result, out);
    else out.push({ kind: 'tcp', segment: result });
    return out;
  }

  finish(): NetEvent[] {
    const out: NetEvent[] = [];
    this.reportIncomplete(this.fragments.finish(), out);
    for (const [code, count] of this.diagnosticCounts) {
      if (count <= this.maxDiagnosticsPerCode) continue;
      const limit = this.maxDiagnosticsPerCode;
      const params = { suppressed: count - limit, suppressedCode: code, limit };
      out.push({
        kind: 'diagnostic',
        diagnostic: diag(NET_DIAGNOSTICS, 'net.diagnostics-suppressed', params),
      });
    }
    return out;
  }

  private decodePacket(raw: RawPacket, out: NetEvent[]): TcpSegment | LayerStop {
    if (!isSupportedLinkType(raw.linkType)) return this.unknownLinkType(raw, out);
    const data = raw.data;
    const linkStop = decodeLink(raw.linkType, data, this.link);
    if (linkStop !== undefined) return linkStop;
    const ip = this.ip;
    const ipStop =
      this.link.etherType === ETHERTYPE_IPV4
        ? decodeIpv4(data, this.link.offset, ip, this.addresses)
        : decodeIpv6(data, this.link.offset, ip, this.addresses);
    if (ipStop !== undefined) return ipStop;
    if (ip.fragmented) return this.fragment(raw, out);
    return this.transport(data, raw, out);
  }

  /** The upper layer of a complete IP payload, described by this.ip. */
  private transport(data: Buffer, raw: RawPacket, out: NetEvent[]): TcpSegment | LayerStop {
    const ip = this.ip;
    if (ip.protocol === IPPROTO_ESP) return ESP_STOP;
    if (ip.protocol !== IPPROTO_TCP) return skip(skipReasonFor(ip.protocol));
    const segment = decodeTcp(data, ip, raw.index, raw.time, this.synOptions, this.endpoints);
    const problem = this.synOptions.problem;
    if (problem !== undefined && !('kind' in segment)) {
      const params = { record: raw.index + 1, src: ip.src, dst: ip.dst, detail: problem };
      this.report('net.tcp-option', params, raw.time, out);
    }
    return segment;
  }

  private fragment(raw: RawPacket, out: NetEvent[]): TcpSegment | LayerStop {
    const ip = this.ip;
    const layer: LayerName = ip.version === 4 ? 'IPv4 fragment' : 'IPv6 fragment';
    const tcpBound = ip.version === 4 ? ip.protocol === IPPROTO_TCP : mayLeadToTcp(ip.protocol);
    if (!tcpBound) return ip.protocol === IPPROTO_ESP ? ESP_STOP : skip(skipReasonFor(ip.protocol));
    if (ip.payloadEnd < ip.declaredEnd) {
      // The capture cut the fragment: the datagram can never be rebuilt.
      return truncated(layer, ip.declaredEnd - ip.payloadStart, ip.payloadEnd - ip.payloadStart);
    }
    const result = this.fragments.add(raw.data, ip, raw.time, raw.index);
    this.reportIncomplete(this.fragments.takeIncomplete(), out); // evicted to make room
    if (result.kind === 'rejected') return malformed(layer, result.detail);
    if (result.kind === 'pending') return skip('fragment');
    return this.reassembled(result, raw, out);
  }

  private reassembled(
    datagram: CompletedIpDatagram,
    raw: RawPacket,
    out: NetEvent[],
  ): TcpSegment | LayerStop {
    const { meta, payload } = datagram;
    const record = raw.index + 1;
    const described = { record, src: meta.src, dst: meta.dst, id: meta.id };
    const code = meta.version === 4 ? 'net.ipv4-fragmented' : 'net.ipv6-fragmented';
    this.report(code, { ...described, fragments: datagram.fragments, bytes: payload.length }, raw.time, out);
    if (datagram.conflicting) {
      const params = { ...described, version: meta.version, overlapBytes: datagram.overlapBytes };
      this.report('net.fragment-overlap', params, raw.time, out);
    }
    const ip = this.ip;
    ip.version = meta.version;
    ip.src = meta.src;
    ip.dst = meta.dst;
    ip.protocol = meta.protocol;
    ip.payloadStart = 0;
    ip.payloadEnd = ip.declaredEnd = payload.length;
    ip.resetFragment();
    if (meta.version === 6) {
      const stop = walkExtensionHeaders(payload, 0, meta.protocol, ip, false);
      if (stop !== undefined) return stop;
    }
    return this.transport(payload, raw, out);
  }

  private unknownLinkType(raw: RawPacket, out: NetEvent[]): LayerStop {
    if (!this.unknownLinkTypes.has(raw.linkType)) {
      this.unknownLinkTypes.add(raw.linkType);
      const params = { linkType: raw.linkType, interface: raw.interfaceId, record: raw.index + 1 };
      this.report('net.unknown-linktype', params, raw.time, out);
    }
    return skip('unknown-linktype');
  }

  /** Turns a stop into its diagnostic (none for a plain skip) and the packet's `skipped` event. */
  private stopped(raw: RawPacket, stop: LayerStop, out: NetEvent[]): void {
    if (stop.kind === 'skip') {
      out.push({ kind: 'skipped', packetIndex: raw.index, reason: stop.reason });
      return;
    }
    const [code, params] = this.describe(stop, raw.index + 1);
    this.report(code, params, raw.time, out);
    out.push({ kind: 'skipped', packetIndex: raw.index, reason: stop.kind });
  }

  private describe(
    stop: Exclude<LayerStop, { kind: 'skip' }>,
    record: number,
  ): [NetDiagnosticCode, DiagnosticParams] {
    switch (stop.kind) {
      case 'truncated':
        return ['net.truncated', { record, ...this.where(stop.layer), need: stop.need, have: stop.have }];
      case 'malformed':
        return [malformedCode(stop.layer), { record, ...this.where(stop.layer), detail: stop.detail }];
      case 'esp':
        return ['net.esp', { record, src: this.ip.src, dst: this.ip.dst }];
    }
  }

  /** The layer, plus the addresses once the IP header was decoded (stops above the fixed IP header). */
  private where(layer: LayerName): DiagnosticParams {
    if (layer === 'TCP' || layer === 'IPv6 extension' || layer.endsWith('fragment')) {
      return { layer, src: this.ip.src, dst: this.ip.dst };
    }
    return { layer };
  }

  private reportIncomplete(datagrams: IncompleteIpDatagram[], out: NetEvent[]): void {
    for (const d of datagrams) {
      const { version, src, dst, id } = d.meta;
      const params = { version, src, dst, id, reason: d.reason, fragments: d.fragments, bytes: d.bytes };
      this.report('net.fragment-incomplete', { ...params, record: d.firstPacketIndex + 1 }, d.firstTime, out);
    }
  }

  /** Emits a diagnostic unless its code already reached the limit; every one is counted for finish(). */
  private report(code: NetDiagnosticCode, params: DiagnosticParams, time: number, out: NetEvent[]): void {
    const count = (this.diagnosticCounts.get(code) ?? 0) + 1;
    this.diagnosticCounts.set(code, count);
    if (count > this.maxDiagnosticsPerCode) return;
    out.push({ kind: 'diagnostic', diagnostic: diag(NET_DIAGNOSTICS, code, params, { time }) });
  }
}

function malformedCode(layer: LayerName): NetDiagnosticCode {
  switch (layer) {
    case 'TCP':
      return 'net.malformed-tcp';
    case 'Ethernet':
    case '802.1Q':
    case 'NULL/loopback':
    case 'Linux SLL':
    case 'Linux SLL2':
      return 'net.malformed-link';
    default:
      return 'net.malformed-ip';
  }
}
