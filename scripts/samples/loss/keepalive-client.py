#!/usr/bin/env python3
"""An idle HTTP/2 connection with TCP keep-alive, for samples/h2-tcp-keepalive.pcap: a hand-built HTTP/2
client (RFC 9113 frames) with SO_KEEPALIVE after 1 s idle, every 1 s (TCP_KEEPIDLE, TCP_KEEPINTVL), sends the
preface and SETTINGS, acknowledges nghttpd's SETTINGS, stays idle 2.5 s (the kernel sends keep-alives, the
server's kernel ACKs them: tshark's keep_alive and keep_alive_ack), then asks for a small file, reads it and
closes with GOAWAY. Prints a JSON summary on stdout.
usage: keepalive-client.py PORT"""
import json, socket, struct, sys, time

port = int(sys.argv[1])
IDLE = 2.5


def frame(ftype, flags, stream, payload):
    return struct.pack('>I', len(payload))[1:] + bytes([ftype, flags]) + struct.pack('>I', stream) + payload


def frames(s, buf, until):
    """Reads frames until `until(ftype, flags, stream)` is true; ACKs SETTINGS on the way."""
    while True:
        while len(buf) >= 9:
            length = int.from_bytes(buf[:3], 'big')
            if len(buf) < 9 + length:
                break
            ftype, flags, stream = buf[3], buf[4], int.from_bytes(buf[5:9], 'big') & 0x7FFFFFFF
            buf = buf[9 + length :]
            if ftype == 4 and not flags & 1:
                s.sendall(frame(4, 1, 0, b''))  # SETTINGS ACK
            if until(ftype, flags, stream):
                return buf
        chunk = s.recv(65536)
        if not chunk:
            return buf
        buf += chunk


s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
s.connect(('127.0.0.1', port))
s.sendall(b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + frame(4, 0, 0, b''))
buf = frames(s, b'', lambda t, f, st: t == 4 and f & 1)  # the server's ACK of our SETTINGS
time.sleep(IDLE)
authority = f'127.0.0.1:{port}'.encode()
path = b'/small.txt'
# HPACK (RFC 7541 appendix A): :method GET (2), :scheme http (6), :path literal with name 4, :authority name 1.
block = b'\x82\x86' + b'\x44' + bytes([len(path)]) + path + b'\x41' + bytes([len(authority)]) + authority
s.sendall(frame(1, 0x5, 1, block))  # HEADERS END_STREAM|END_HEADERS
frames(s, buf, lambda t, f, st: st == 1 and f & 1 and t in (0, 1))
s.sendall(frame(7, 0, 0, struct.pack('>II', 1, 0)))  # GOAWAY NO_ERROR
s.close()
print(json.dumps({'path': path.decode(), 'idleSeconds': IDLE, 'keepIdle': 1, 'keepInterval': 1}))
