#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Codec configuration and framed samples for the tests that cannot demux.

  extract-samples.py mp4 IN.mp4 OUT   -> OUT.avcc (the avcC record) and
      OUT.samples (every sample of the first track in decode order)
  extract-samples.py adts IN.aac OUT  -> OUT.asc (an AudioSpecificConfig
      built from the first ADTS header) and OUT.samples (the raw access
      units, ADTS headers taken off)

OUT.samples is a sequence of records: a 4-byte big-endian length, then that
many bytes (an H.264 sample is itself length-prefixed NAL units, as MP4
stores it).
"""
import struct
import sys


def boxes(data, start, end):
    while start + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, start)
        head = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, start + 8)[0]
            head = 16
        elif size == 0:
            size = end - start
        yield kind.decode("latin-1"), start + head, start + size
        start += size


def find(data, start, end, path):
    for kind, body, stop in boxes(data, start, end):
        if kind == path[0]:
            return (body, stop) if len(path) == 1 else find(data, body, stop, path[1:])
    raise SystemExit("no box " + "/".join(path))


def mp4(data):
    stbl = find(data, 0, len(data), ["moov", "trak", "mdia", "minf", "stbl"])
    stsd, _ = find(data, *stbl, ["stsd"])
    # stsd: version/flags, count, then the avc1 entry: 8-byte header, 78 bytes of fields
    entry = stsd + 8
    esize = struct.unpack_from(">I", data, entry)[0]
    avcc = find(data, entry + 8 + 78, entry + esize, ["avcC"])
    body, _ = find(data, *stbl, ["stsz"])
    fixed, count = struct.unpack_from(">II", data, body + 4)
    sizes = [fixed] * count if fixed else list(struct.unpack_from(">%dI" % count, data, body + 12))
    try:
        body, _ = find(data, *stbl, ["stco"])
        n = struct.unpack_from(">I", data, body + 4)[0]
        chunks = struct.unpack_from(">%dI" % n, data, body + 8)
    except SystemExit:
        body, _ = find(data, *stbl, ["co64"])
        n = struct.unpack_from(">I", data, body + 4)[0]
        chunks = struct.unpack_from(">%dQ" % n, data, body + 8)
    body, _ = find(data, *stbl, ["stsc"])
    n = struct.unpack_from(">I", data, body + 4)[0]
    runs = [struct.unpack_from(">III", data, body + 8 + 12 * i) for i in range(n)]
    samples, k = [], 0
    for c, off in enumerate(chunks, 1):
        per = [r[1] for r in runs if r[0] <= c][-1]
        for _ in range(per):
            samples.append(data[off:off + sizes[k]])
            off += sizes[k]
            k += 1
    return data[avcc[0]:avcc[1]], samples


def adts(data):
    asc, samples, p = None, [], 0
    while p + 7 <= len(data):
        if data[p] != 0xFF or data[p + 1] & 0xF0 != 0xF0:
            raise SystemExit("not ADTS at %d" % p)
        head = 7 if data[p + 1] & 1 else 9
        profile, rate = data[p + 2] >> 6, (data[p + 2] >> 2) & 15
        chans = (data[p + 2] & 1) << 2 | data[p + 3] >> 6
        length = (data[p + 3] & 3) << 11 | data[p + 4] << 3 | data[p + 5] >> 5
        if asc is None:
            asc = struct.pack(">H", (profile + 1) << 11 | rate << 7 | chans << 3)
        samples.append(data[p + head:p + length])
        p += length
    return asc, samples


def main():
    kind, src, out = sys.argv[1:4]
    data = open(src, "rb").read()
    config, samples = mp4(data) if kind == "mp4" else adts(data)
    with open(out + (".avcc" if kind == "mp4" else ".asc"), "wb") as f:
        f.write(config)
    with open(out + ".samples", "wb") as f:
        for s in samples:
            f.write(struct.pack(">I", len(s)) + s)


main()
