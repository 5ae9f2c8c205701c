"""A tiny protobuf codec for the scope.v1 messages (scripts/samples/protos/scope.proto).

Debian's python3-grpcio ships no protoc plugin, so the samples encode and decode by hand.
Wire format: https://protobuf.dev/programming-guides/encoding/ . Proto3 rules: scalars at their
default value are not written, except oneof members; repeated scalars are packed.
"""

import struct

MOODS = ["MOOD_UNSPECIFIED", "MOOD_CALM", "MOOD_BUSY", "MOOD_ANGRY"]

# field name -> (number, kind, flags); kind is a scalar name or a message name in SCHEMAS.
# flags: "repeated", "oneof", or "map:<key kind>:<value kind>".
SCHEMAS = {
    "Point": {"x": (1, "double", ""), "y": (2, "double", "")},
    "Tag": {"key": (1, "string", ""), "value": (2, "string", "")},
    "EchoRequest": {
        "text": (1, "string", ""),
        "id": (2, "int64", ""),
        "weight": (3, "double", ""),
        "mood": (4, "enum", ""),
        "labels": (5, "string", "repeated"),
        "deltas": (6, "sint32", "repeated"),
        "counters": (7, "map", "map:string:int64"),
        "origin": (8, "Point", ""),
        "blob": (9, "bytes", "oneof"),
        "note": (10, "string", "oneof"),
        "target": (11, "Point", "oneof"),
        "fail_with": (12, "int32", ""),
        "fail_message": (13, "string", ""),
        "sleep_ms": (14, "uint32", ""),
    },
    "EchoReply": {
        "echo": (1, "EchoRequest", ""),
        "served_by": (2, "string", ""),
        "sequence": (3, "uint64", ""),
        "text_length": (4, "fixed32", ""),
        "had_blob": (5, "bool", ""),
        "ratio": (6, "float", ""),
    },
    "WatchRequest": {
        "topic": (1, "string", ""),
        "count": (2, "uint32", ""),
        "interval_ms": (3, "uint32", ""),
        "fail_after": (4, "uint32", ""),
        "fail_with": (5, "int32", ""),
    },
    "Event": {
        "seq": (1, "uint64", ""),
        "topic": (2, "string", ""),
        "mood": (3, "enum", ""),
        "tags": (4, "Tag", "repeated"),
        "offset": (5, "sfixed64", ""),
        "data": (6, "bytes", ""),
    },
    "Chunk": {"index": (1, "uint32", ""), "data": (2, "bytes", ""), "last": (3, "bool", "")},
    "UploadSummary": {
        "chunks": (1, "uint32", ""),
        "total_bytes": (2, "uint64", ""),
        "sizes": (3, "uint32", "repeated"),
        "checksum": (4, "fixed32", ""),
    },
    "ChatMessage": {
        "from": (1, "string", ""),
        "text": (2, "string", ""),
        "seq": (3, "uint32", ""),
        "attrs": (4, "map", "map:string:string"),
    },
    "BulkRequest": {"count": (1, "uint32", ""), "size": (2, "uint32", ""), "interval_ms": (3, "uint32", "")},
    "BulkChunk": {"index": (1, "uint32", ""), "data": (2, "bytes", "")},
}

VARINT, I64, LEN, I32 = 0, 1, 2, 5
FIXED = {"double": ("<d", I64), "float": ("<f", I32), "fixed32": ("<I", I32), "sfixed64": ("<q", I64)}
VARINTS = {"int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool", "enum"}


def _varint(value):
    value &= (1 << 64) - 1  # negative int32/int64 take ten bytes (two's complement)
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _scalar_varint(kind, value):
    if kind == "enum" and isinstance(value, str):
        value = MOODS.index(value)
    if kind in ("sint32", "sint64"):
        value = (value << 1) ^ (value >> 63)  # zigzag
    return _varint(int(value))


def _encode_value(kind, value):
    """-> (wire type, bytes)"""
    if kind in VARINTS:
        return VARINT, _scalar_varint(kind, value)
    if kind in FIXED:
        fmt, wire = FIXED[kind]
        return wire, struct.pack(fmt, value)
    if kind == "string":
        data = value.encode("utf-8")
    elif kind == "bytes":
        data = bytes(value)
    else:
        data = encode(kind, value)
    return LEN, _varint(len(data)) + data


def _key(number, wire):
    return _varint((number << 3) | wire)


def encode(message, values):
    """Encodes a dict of field name -> value, in field-number order."""
    out = bytearray()
    schema = SCHEMAS[message]
    for name, (number, kind, flags) in sorted(schema.items(), key=lambda item: item[1][0]):
        value = values.get(name)
        if value is None:
            continue
        if flags.startswith("map:"):
            _, key_kind, value_kind = flags.split(":")
            for k, v in value.items():
                entry = _entry(1, key_kind, k) + _entry(2, value_kind, v)
                out += _key(number, LEN) + _varint(len(entry)) + entry
        elif flags == "repeated" and (kind in VARINTS or kind in FIXED):
            packed = b"".join(_encode_value(kind, v)[1] for v in value)
            if packed:
                out += _key(number, LEN) + _varint(len(packed)) + packed
        elif flags == "repeated":
            for v in value:
                wire, data = _encode_value(kind, v)
                out += _key(number, wire) + data
        elif flags == "oneof" or not _is_default(value):
            wire, data = _encode_value(kind, value)
            out += _key(number, wire) + data
    return bytes(out)


def _entry(number, kind, value):
    wire, data = _encode_value(kind, value)
    return _key(number, wire) + data


def _is_default(value):
    return value in (0, "", b"", False, "MOOD_UNSPECIFIED") and not isinstance(value, dict)


def _read_varint(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _signed(value, bits):
    return value - (1 << bits) if value >= 1 << (bits - 1) else value


def _decode_varint(kind, raw):
    if kind in ("sint32", "sint64"):
        return (raw >> 1) ^ -(raw & 1)
    if kind == "int32":
        return _signed(raw & 0xFFFFFFFF, 32)
    if kind == "int64":
        return _signed(raw, 64)
    if kind == "bool":
        return bool(raw)
    if kind == "enum":
        return MOODS[raw] if raw < len(MOODS) else raw
    return raw


def _fields(data):
    """Yields (number, wire type, raw value) for every field in data."""
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == VARINT:
            value, pos = _read_varint(data, pos)
        elif wire == I64:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == I32:
            value, pos = data[pos : pos + 4], pos + 4
        elif wire == LEN:
            length, pos = _read_varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


def _decode_value(kind, wire, raw):
    if kind in VARINTS:
        return _decode_varint(kind, raw)
    if kind in FIXED:
        return struct.unpack(FIXED[kind][0], raw)[0]
    if kind == "string":
        return bytes(raw).decode("utf-8")
    if kind == "bytes":
        return bytes(raw)
    return decode(kind, raw)


def decode(message, data):
    """Decodes into a dict of the fields present; unknown fields are skipped."""
    by_number = {number: (name, kind, flags) for name, (number, kind, flags) in SCHEMAS[message].items()}
    out = {}
    for number, wire, raw in _fields(bytes(data)):
        if number not in by_number:
            continue
        name, kind, flags = by_number[number]
        if flags.startswith("map:"):
            _, key_kind, value_kind = flags.split(":")
            entry = {n: (w, r) for n, w, r in _fields(raw)}
            k = _decode_value(key_kind, *entry[1]) if 1 in entry else _decode_value(key_kind, LEN, b"")
            v = _decode_value(value_kind, *entry[2]) if 2 in entry else 0
            out.setdefault(name, {})[k] = v
        elif flags == "repeated" and wire == LEN and (kind in VARINTS or kind in FIXED):
            out.setdefault(name, []).extend(_unpack(kind, raw))
        elif flags == "repeated":
            out.setdefault(name, []).append(_decode_value(kind, wire, raw))
        else:
            out[name] = _decode_value(kind, wire, raw)
    return out


def _unpack(kind, raw):
    values, pos = [], 0
    while pos < len(raw):
        if kind in FIXED:
            size = struct.calcsize(FIXED[kind][0])
            values.append(struct.unpack(FIXED[kind][0], raw[pos : pos + size])[0])
            pos += size
        else:
            value, pos = _read_varint(raw, pos)
            values.append(_decode_varint(kind, value))
    return values
