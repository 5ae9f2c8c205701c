#!/usr/bin/env python3
"""A slow reader, for samples/h2-zero-window.pcap: an HTTP/2 client (hand-built frames, RFC 9113) with a 4 KiB
receive buffer that opens every HTTP/2 window to the maximum, asks nghttpd for a file (256 KiB in the sample) and then does not
read for 1.5 s: the server's TCP fills the client's receive buffer, the client's kernel advertises a zero
window, the server probes it. Then the client reads everything and closes. Prints a JSON summary on stdout.
usage: zero-window-client.py PORT [HOST [SECONDS]]  (127.0.0.1 and 1.5 s by default; h2-zero-window-probe
uses the host through slirp4netns and a longer pause, for the sender's persist timer)"""
import json, socket, struct, sys, time

port = int(sys.argv[1])
host = sys.argv[2] if len(sys.argv) > 2 else '127.0.0.1'
pause = float(sys.argv[3]) if len(sys.argv) > 3 else 1.5
def frame(ftype, flags, stream, payload):
    return struct.pack('>I', len(payload))[1:] + bytes([ftype, flags]) + struct.pack('>I', stream) + payload

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window scale follows it
s.connect((host, port))
authority = f'{host}:{port}'.encode()
path = b'/large.bin'
# HPACK (RFC 7541 appendix A): :method GET (2), :scheme http (6), :path literal with name 4, :authority name 1.
block = b'\x82\x86' + b'\x44' + bytes([len(path)]) + path + b'\x41' + bytes([len(authority)]) + authority
s.sendall(b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
          + frame(4, 0, 0, struct.pack('>HI', 4, 2**31 - 1))            # SETTINGS_INITIAL_WINDOW_SIZE max
          + frame(8, 0, 0, struct.pack('>I', 2**31 - 1 - 65535))        # connection window to max
          + frame(1, 0x5, 1, block))                                    # HEADERS END_STREAM|END_HEADERS
time.sleep(pause)
received = 0
buf = b''
done = False
while not done:
    chunk = s.recv(65536)
    if not chunk:
        break
    received += len(chunk)
    buf += chunk
    while len(buf) >= 9:
        length = int.from_bytes(buf[:3], 'big')
        if len(buf) < 9 + length:
            break
        ftype, flags, stream = buf[3], buf[4], int.from_bytes(buf[5:9], 'big') & 0x7fffffff
        if ftype == 4 and not flags & 1:
            s.sendall(frame(4, 1, 0, b''))                              # SETTINGS ACK
        if stream == 1 and flags & 1 and ftype in (0, 1):
            done = True
        buf = buf[9 + length:]
s.sendall(frame(7, 0, 0, struct.pack('>II', 1, 0)))                     # GOAWAY NO_ERROR
s.close()
print(json.dumps({'path': path.decode(), 'bytesReceived': received, 'pauseSeconds': pause, 'rcvbuf': 4096}))
