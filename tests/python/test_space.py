# SPDX-License-Identifier: Apache-2.0
"""Space events (exhaustion, wait_for_space, fileno) and threads."""
import select
import threading

import pytest

import avbuffer

LONG = 60.0  # a deadline that only a broken module reaches


def fill(pool, size):
    bufs = []
    while True:
        try:
            bufs.append(pool.alloc(size))
        except avbuffer.OutOfMemory:
            return bufs


def test_exhaustion_then_wait_for_space(svc):
    with svc.create_audio_pool() as pool:
        size = pool.metrics()[1] // 8
        bufs = fill(pool, size)
        assert len(bufs) == 8
        assert pool.wait_for_space(size, timeout=0.1) is False  # nothing freed
        # Freed by another Python thread: it needs the GIL the wait released.
        t = threading.Timer(0.2, bufs.pop(3).free)
        t.start()
        assert pool.wait_for_space(size, timeout=LONG) is True
        t.join()
        pool.alloc(size).free()
        assert pool.space_events >= 1


def test_wait_for_space_refuses_a_size_beyond_the_pool(svc):
    with svc.create_audio_pool() as pool:
        with pytest.raises(ValueError):
            pool.wait_for_space(pool.metrics()[1] + 1, timeout=0)


def test_fileno_for_select(svc):
    with svc.create_audio_pool() as pool:
        size = pool.metrics()[1] // 4
        bufs = fill(pool, size)
        pool.notify_when_space_available(size)
        assert select.select([pool], [], [], 0)[0] == []
        bufs[0].free()
        assert select.select([pool], [], [], LONG)[0] == [pool]
        assert pool.take_events() == 1
        assert pool.take_events() == 0


def test_threads_alloc_write_free(svc):
    errors = []

    def work(pool):
        try:
            for i in range(40):
                with pool.alloc(512) as b:
                    b.write(bytes([i]) * 512)
                    with b.map() as m:
                        assert bytes(m) == bytes([i]) * 512
        except Exception as e:  # reported by the main thread
            errors.append(e)

    with svc.create_video_pool() as p1, svc.create_audio_pool(decoder_id=0) as p2:
        threads = [threading.Thread(target=work, args=(p,)) for p in (p1, p2, p1, p2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert p1.metrics()[0] == 0 and p2.metrics()[0] == 0
