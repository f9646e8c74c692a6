# SPDX-License-Identifier: Apache-2.0
"""The Python side of avb-bench-python (bench/python_cost.c starts it):
times N rounds of alloc + write(4 KiB) + free through the avbuffer module
against the avbufferd that AVB_SOCKET_DIR names, and prints the median and
the p99 of one round in nanoseconds.

    /usr/bin/python3 bench/python_cost.py N
"""
import sys
import time

import avbuffer

SIZE = 4096


def main():
    n = int(sys.argv[1])
    data = bytes(SIZE)
    times = []
    with avbuffer.connect() as svc, svc.create_audio_pool(decoder_id=0) as pool:
        for i in range(n + 100):  # the first 100: warm-up (heap mapped, sockets open)
            t0 = time.perf_counter_ns()
            b = pool.alloc(SIZE)
            b.write(data)
            b.free()
            if i >= 100:
                times.append(time.perf_counter_ns() - t0)
    times.sort()
    print(times[len(times) // 2], times[min(len(times) - 1, len(times) * 99 // 100)])


main()
