#!/usr/bin/env python3
"""Regenerates test/net/fixtures.ts: builds each packet with struct (checksums computed), writes a classic
pcap per fixture to a temporary directory and pastes `tcpdump -nn -vv -XX -e` output above the bytes.
Usage: python3 test/net/make-fixtures.py > test/net/fixtures.ts && npx prettier --write test/net/fixtures.ts"""
import ipaddress, os, re, shutil, struct, subprocess, sys, tempfile

def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ip4(a): return bytes(int(x) for x in a.split('.'))
def ip6(a): return ipaddress.IPv6Address(a).packed

def tcp(src, dst, sport, dport, seq, ack, flags, win, opts=b'', payload=b'', v6=False):
    hl = 20 + len(opts)
    assert hl % 4 == 0
    h = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, (hl//4) << 4, flags, win, 0, 0) + opts
    seg = h + payload
    if v6:
        pseudo = src + dst + struct.pack('!I3xB', len(seg), 6)
    else:
        pseudo = src + dst + struct.pack('!BBH', 0, 6, len(seg))
    c = csum(pseudo + seg)
    return seg[:16] + struct.pack('!H', c) + seg[18:]

def ipv4(src, dst, proto, payload, ident=0x1234, flags_off=0x4000, opts=b'', ttl=64, total=None):
    hl = 20 + len(opts)
    tl = total if total is not None else hl + len(payload)
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | (hl//4), 0, tl, ident, flags_off, ttl, proto, 0, src, dst) + opts
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

def ipv6(src, dst, nh, payload, plen=None):
    pl = plen if plen is not None else len(payload)
    return struct.pack('!IHBB16s16s', 0x60000000, pl, nh, 64, src, dst) + payload

def eth(t, payload, dst=bytes.fromhex('020000000002'), src=bytes.fromhex('020000000001')):
    return dst + src + struct.pack('!H', t) + payload

def pcap(path, linktype, pkts):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, p in enumerate(pkts):
            f.write(struct.pack('<IIII', 1700000000 + i, 0, len(p), len(p)))
            f.write(p)

def dump(path, extra=()):
    r = subprocess.run(['tcpdump', '-r', path, '-nn', '-vv', '-XX', '-e', *extra], capture_output=True, text=True)
    return r.stdout

C4, S4 = ip4('192.0.2.1'), ip4('198.51.100.7')
C6, S6 = ip6('2001:db8::1'), ip6('2001:db8:0:1::7')
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
PREFACE = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
SYN_OPTS = bytes.fromhex('020405b4') + bytes.fromhex('0402') + bytes.fromhex('080a') + struct.pack('!II', 0x01020304, 0) + bytes.fromhex('01030307')

fx = []
def add(name, linktype, pkts, note):
    fx.append((name, linktype, pkts if isinstance(pkts, list) else [pkts], note))

syn4 = ipv4(C4, S4, 6, tcp(C4, S4, 51234, 50051, 0xfedcba98, 0, SYN, 64240, SYN_OPTS), ident=0x4d2)
add('ethernetIpv4Syn', 1, eth(0x0800, syn4), 'Ethernet II, IPv4, TCP SYN with MSS, SACK-permitted, timestamps, NOP, window scale')

ack4 = ipv4(S4, C4, 6, tcp(S4, C4, 50051, 51234, 0x80000001, 0xffffffff, ACK, 501))
fr = eth(0x0800, ack4)
fr = fr + bytes(60 - len(fr))
add('ethernetPaddedAck', 1, fr, 'Ethernet II padded to the 60-byte minimum: IPv4 total length 40, six padding bytes')

data4 = ipv4(C4, S4, 6, tcp(C4, S4, 51234, 50051, 0xfedcba99, 0x80000001, PSH | ACK, 502, payload=PREFACE))
add('vlanIpv4Preface', 1, eth(0x8100, struct.pack('!HH', 100, 0x0800) + data4), '802.1Q VLAN 100, IPv4, TCP carrying the HTTP/2 client preface')

hello6 = ipv6(C6, S6, 6, tcp(C6, S6, 51234, 50051, 1000, 2000, PSH | ACK, 512, payload=b'hello', v6=True))
add('qinqIpv6', 1, eth(0x88a8, struct.pack('!HH', 10, 0x8100) + struct.pack('!HH', 20, 0x86dd) + hello6), '802.1ad outer tag VLAN 10, 802.1Q inner VLAN 20, IPv6, TCP "hello"')

add('oldQinqIpv4', 1, eth(0x9100, struct.pack('!HH', 30, 0x8100) + struct.pack('!HH', 40, 0x0800) + data4), 'pre-standard 0x9100 outer tag VLAN 30, 802.1Q VLAN 40, IPv4')

arp = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + bytes.fromhex('020000000001') + C4 + bytes(6) + S4
add('ethernetArp', 1, eth(0x0806, arp, dst=b'\xff'*6), 'ARP who-has 198.51.100.7 tell 192.0.2.1')

udp = struct.pack('!HHHH', 40000, 40001, 12, 0) + b'abcd'
add('ethernetUdp', 1, eth(0x0800, ipv4(C4, S4, 17, udp)), 'IPv4 UDP 40000 -> 40001, 4 bytes')

icmp = struct.pack('!BBHHH', 8, 0, 0, 1, 1)
icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
add('ethernetIcmp', 1, eth(0x0800, ipv4(C4, S4, 1, icmp)), 'IPv4 ICMP echo request')

add('nullLittleEndianIpv4', 0, struct.pack('<I', 2) + data4, 'BSD loopback, AF_INET 2 written little-endian (x86 capture)')
add('nullBigEndianIpv6', 0, struct.pack('>I', 30) + hello6, 'BSD loopback, AF_INET6 30 (Darwin) written big-endian')
add('nullIpv6Bsd', 0, struct.pack('<I', 24) + hello6, 'BSD loopback, AF_INET6 24 (NetBSD/OpenBSD) little-endian')
add('nullIpv6FreeBsd', 0, struct.pack('<I', 28) + hello6, 'BSD loopback, AF_INET6 28 (FreeBSD) little-endian')
add('loopIpv4', 108, struct.pack('>I', 2) + data4, 'OpenBSD LINKTYPE_LOOP, AF_INET 2 in network byte order')
add('rawIpv4', 101, data4, 'LINKTYPE_RAW, IPv4')
add('rawIpv6', 101, hello6, 'LINKTYPE_RAW, IPv6')
add('linktypeIpv4', 228, data4, 'LINKTYPE_IPV4')
add('linktypeIpv6', 229, hello6, 'LINKTYPE_IPV6')

sll = struct.pack('!HHH8sH', 0, 772, 6, bytes(8), 0x0800)
add('sllIpv4', 113, sll + data4, 'Linux cooked v1: incoming (0), ARPHRD_LOOPBACK (772), protocol 0x0800')
sll2 = struct.pack('!HHIHBB8s', 0x86dd, 0, 1, 1, 4, 6, bytes.fromhex('0200000000010000'))
add('sll2Ipv6', 276, sll2 + hello6, 'Linux cooked v2: protocol 0x86dd, ifindex 1, ARPHRD_ETHER, outgoing (4)')
sllvlan = struct.pack('!HHH8sH', 4, 1, 6, bytes.fromhex('0200000000010000'), 0x8100) + struct.pack('!HH', 7, 0x0800)
add('sllVlanIpv4', 113, sllvlan + data4, 'Linux cooked v1, outgoing, protocol 0x8100: VLAN 7 tag, then IPv4')

# RFC 791 §3.1 options: Record Route (type 7, length 7, pointer 4, one empty slot), End of Option List,
# Router Alert (RFC 2113: 0x94 0x04 0x0000). 12 bytes: IHL 8.
opts = bytes([7, 7, 4, 0, 0, 0, 0, 0]) + bytes.fromhex('94040000')
add('ipv4Options', 1, eth(0x0800, ipv4(C4, S4, 6, tcp(C4, S4, 51234, 50051, 7, 9, PSH | ACK, 100, payload=b'xyz'), opts=opts)), 'IPv4 with Record Route + EOL + Router Alert options (IHL 8), TCP "xyz"')

# RFC 8200 §4.1 order: Hop-by-Hop, Destination Options (for the routing header), Routing, Destination Options.
padn = bytes.fromhex('010400000000')  # PadN, 4 bytes of padding: fills a 6-byte option area
hbh = bytes([60, 0]) + padn
dst1 = bytes([43, 0]) + padn
rh0 = bytes([60, 2, 0, 0]) + bytes(4) + S6  # type 0, segments left 0, one address
dst2 = bytes([6, 0]) + padn
tcp6 = tcp(C6, S6, 51234, 50051, 1000, 2000, PSH | ACK, 512, payload=b'hello', v6=True)
add('ipv6ExtensionHeaders', 1, eth(0x86dd, ipv6(C6, S6, 0, hbh + dst1 + rh0 + dst2 + tcp6)), 'IPv6, Hop-by-Hop, Destination Options, Routing (type 0), Destination Options, TCP "hello"')

ah = struct.pack('!BBHII', 6, 4, 0, 0x100, 1) + bytes(12)  # RFC 4302: Payload Len 4 = 24 bytes / 4 - 2
add('ipv6AuthHeader', 1, eth(0x86dd, ipv6(C6, S6, 51, ah + tcp6)), 'IPv6, AH (24 bytes, SPI 0x100), TCP "hello"')

esp = struct.pack('!II', 0x200, 1) + bytes.fromhex('deadbeefcafebabe0011223344556677')
add('ipv6Esp', 1, eth(0x86dd, ipv6(C6, S6, 50, esp)), 'IPv6, ESP (SPI 0x200): encrypted')

# IPv4 fragments of one 60-byte TCP segment (20-byte header + 40 bytes), id 0x0bad.
seg = tcp(C4, S4, 51234, 50051, 100, 200, PSH | ACK, 1000, payload=bytes(range(0x41, 0x41 + 40)))
def frag4(off, end, more, data=None):
    d = seg[off:end] if data is None else data
    return eth(0x0800, ipv4(C4, S4, 6, d, ident=0x0bad, flags_off=(0x2000 if more else 0) | (off // 8)))
add('ipv4Fragments', 1, [frag4(48, 60, False), frag4(0, 24, True), frag4(24, 48, True)], 'IPv4 fragments of a 60-byte TCP segment, id 0x0bad, sent last-first: [48,60) [0,24) [24,48)')
conflict = bytearray(seg[16:48]); conflict[24:32] = b'XXXXXXXX'  # bytes 40..47 differ from the third fragment
add('ipv4OverlapFragments', 1, [frag4(0, 24, True), frag4(16, 48, True, bytes(conflict)), frag4(40, 60, False)], 'IPv4 fragments [0,24) [16,48) [40,60) id 0x0bad: the second carries "XXXXXXXX" as bytes 40-47, which the third overlaps')

# IPv6 fragments (RFC 8200 §4.5) of a 50-byte TCP segment, identification 0xcafe.
seg6 = tcp(C6, S6, 51234, 50051, 300, 400, PSH | ACK, 1000, payload=bytes(range(0x61, 0x61 + 30)), v6=True)
def frag6(off, end, more):
    fh = struct.pack('!BBHI', 6, 0, off | (1 if more else 0), 0xcafe)
    return eth(0x86dd, ipv6(C6, S6, 44, fh + seg6[off:end]))
add('ipv6Fragments', 1, [frag6(32, 50, False), frag6(0, 32, True)], 'IPv6 Fragment headers, id 0xcafe: [32,50) then [0,32) of a 50-byte TCP segment')


def emit():
    out = ['// Generated by test/net/make-fixtures.py (Python struct packing, checksums computed); each comment is',
           '// the output of `tcpdump -r FILE -nn -vv -XX -e` (tcpdump 4.99.3, libpcap 1.10.3) on that fixture.',
           '// Addresses are RFC 5737 / RFC 3849 documentation addresses.', '',
           'export interface Fixture {', '  linkType: number;', '  /** One hex string per packet. */', '  packets: string[];', '}', '']
    tmp = tempfile.mkdtemp()
    for name, lt, pkts, note in fx:
        path = os.path.join(tmp, name + '.pcap')
        pcap(path, lt, pkts)
        d = re.sub(r'^\d\d:\d\d:\d\d\.\d+ ', '', dump(path), flags=re.M)
        out.append(f'/**\n * {note}.')
        for line in d.rstrip('\n').split('\n'):
            out.append(' * ' + line.replace('\t', '  ').replace('*/', '* /').rstrip() if line.strip() else ' *')
        out.append(' */')
        hexes = ', '.join(f"'{p.hex()}'" for p in pkts)
        out.append(f'export const {name}: Fixture = {{ linkType: {lt}, packets: [{hexes}] }};\n')
    shutil.rmtree(tmp)
    sys.stdout.write('\n'.join(out))


if __name__ == '__main__':
    emit()
