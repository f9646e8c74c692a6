#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Fills video frames in AV buffers from numpy and shows the pool filling up.

Each frame is an I420 picture (a moving gradient) written straight into the
buffer's memory through a mapping: numpy.frombuffer gives a view of the
buffer, so nothing is copied on the way. The frames are then handed on as
handles (here just printed) and freed, as a decoder would free them.

    ./fill_frames.py [--frames N] [--size WxH]

Needs avbufferd running (AVB_SOCKET_DIR, as for every client) and the
avbuffer module where /usr/bin/python3 finds it (meson install puts it there;
from a build tree: PYTHONPATH=build/python).
"""
import argparse

import numpy as np

import avbuffer


def i420_planes(view, w, h):
    """The Y, U and V planes of an I420 frame laid over a flat uint8 view."""
    y = view[:w * h].reshape(h, w)
    u = view[w * h:w * h * 5 // 4].reshape(h // 2, w // 2)
    v = view[w * h * 5 // 4:].reshape(h // 2, w // 2)
    return y, u, v


def show(pool, what):
    used, total = pool.metrics()
    print(f"{what:>14}: pool {pool.handle} {used:>8} of {total} bytes used "
          f"({100 * used / total:.1f}%)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=4)
    ap.add_argument("--size", default="320x240")
    args = ap.parse_args()
    w, h = (int(x) for x in args.size.split("x"))
    ramp = np.add.outer(np.arange(h), np.arange(w)).astype(np.uint8)

    with avbuffer.connect() as svc, svc.create_video_pool() as pool:
        show(pool, "empty")
        frames = []
        for n in range(args.frames):
            try:
                buf = pool.alloc(w * h * 3 // 2)
            except avbuffer.OutOfMemory:
                print(f"frame {n}: the pool is full")
                break
            with buf.map() as m:
                y, u, v = i420_planes(np.frombuffer(m, np.uint8), w, h)
                y[:] = ramp + 8 * n  # moves one step per frame
                u[:] = 128
                v[:] = 128
                del y, u, v  # the views must go before the mapping does
            frames.append(buf)
            show(pool, f"frame {n} filled")
        print("handles:", " ".join(str(b.handle) for b in frames))
        print("heap (used, total):", svc.heap_metrics())
        for buf in frames:
            buf.free()
        show(pool, "all freed")


if __name__ == "__main__":
    main()
