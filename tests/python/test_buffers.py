# SPDX-License-Identifier: Apache-2.0
"""Buffers from Python: numpy through mappings, secure buffers, copies,
handles passed to another process, BufferError, garbage collection."""
import gc
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import avbuffer

W, H = 64, 48  # a small I420 frame: 4608 bytes
FRAME = W * H * 3 // 2


def test_numpy_round_trip_through_a_mapping(svc):
    frame = np.random.default_rng(1).integers(0, 256, FRAME, dtype=np.uint8)
    with svc.create_video_pool() as pool, pool.alloc(FRAME) as buf:
        with buf.map() as m:
            view = np.frombuffer(m, np.uint8)
            assert view.size == FRAME and m.exports == 1
            view[:] = frame
            del view
        with buf.map() as m:
            back = np.frombuffer(m, np.uint8).copy()
        assert np.array_equal(back, frame)


def test_a_mapping_is_zero_copy(svc):
    with svc.create_video_pool() as pool, pool.alloc(256) as buf, buf.map() as m1, \
            buf.map() as m2:
        a = np.frombuffer(m1, np.uint8)
        b = np.frombuffer(m2, np.uint8)
        a[7] = 42  # one memory, seen through both views
        assert b[7] == 42 and memoryview(m2)[7] == 42
        assert not a.flags.owndata
        del a, b


def test_copy_from_array_and_write(svc):
    img = np.arange(W * H, dtype=np.uint16).reshape(H, W)
    with svc.create_video_pool() as pool, pool.alloc(img.nbytes + 16) as buf:
        buf.copy_from_array(img)
        buf.write(b"tail", offset=img.nbytes + 4)
        with buf.map() as m:
            got = bytes(m)
        assert got[:img.nbytes] == img.tobytes()
        assert got[img.nbytes + 4:img.nbytes + 8] == b"tail"
        with pytest.raises(BufferError):  # not C-contiguous
            buf.copy_from_array(img[:, ::2])
        with pytest.raises(ValueError):
            buf.copy_from_array(np.zeros(img.nbytes + 17, np.uint8))
        with pytest.raises(ValueError):
            buf.write(b"x" * 17, offset=img.nbytes)


def test_copy_to_with_ranges(svc):
    with svc.create_video_pool() as pool, pool.alloc(100) as src, pool.alloc(100) as dst:
        src.write(bytes(range(100)))
        src.copy_to(dst, [(0, 50, 10), (90, 0, 10)])
        with dst.map() as m:
            got = bytes(m)
        assert got[50:60] == bytes(range(10)) and got[:10] == bytes(range(90, 100))
        src.copy_to(dst)
        with dst.map() as m:
            assert bytes(m) == bytes(range(100))
        with pytest.raises(ValueError):
            src.copy_to(dst, [(95, 0, 10)])


def test_secure_refuses_map_but_accepts_write(svc):
    data = bytes(range(256)) * 4
    with svc.create_video_pool(secure=True) as spool, svc.create_video_pool() as pool, \
            spool.alloc(len(data)) as sbuf, pool.alloc(len(data)) as buf:
        assert sbuf.secure and not buf.secure
        with pytest.raises(PermissionError):
            sbuf.map()
        assert sbuf.owned  # the refusal changed nothing
        sbuf.write(data)
        buf.write(data)
        buf.copy_to(sbuf)  # into secure memory: allowed
        with pytest.raises(PermissionError):
            sbuf.copy_to(buf)  # out of it: never
        try:
            assert svc.sha1(sbuf.handle) == svc.sha1(buf.handle)
        except avbuffer.UnsupportedOperation:
            pass  # a build without the debug API


def test_buffer_errors_while_views_exist(svc):
    with svc.create_video_pool() as pool:
        buf = pool.alloc(64)
        m = buf.map()
        view = memoryview(m)
        arr = np.frombuffer(m, np.uint8)
        assert m.exports == 2
        with pytest.raises(BufferError):
            m.close()
        with pytest.raises(BufferError):
            m.__exit__(None, None, None)
        del view
        with pytest.raises(BufferError):  # the numpy array is still a view
            m.close()
        for op in (buf.free, buf.detach, lambda: buf.trim(10)):
            with pytest.raises(BufferError):  # mapped: the memory must stay this buffer's
                op()
        with pytest.raises(BufferError):
            pool.destroy()
        assert pool.live and buf.owned
        del arr
        m.close()
        assert m.closed
        with pytest.raises(ValueError):
            memoryview(m)
        m.close()  # twice is fine
        assert buf.free() is True
        with pytest.raises(ValueError):
            buf.free()


def test_handle_passed_to_a_second_process(svc, daemons):
    payload = np.random.default_rng(2).integers(0, 256, 3000, dtype=np.uint8)
    with svc.create_audio_pool() as pool:
        buf = pool.alloc(payload.size)
        buf.copy_from_array(payload)
        handle = buf.detach()
        assert not buf.owned
        child = textwrap.dedent(f"""
            import hashlib, sys, numpy, avbuffer
            with avbuffer.connect() as svc, svc.buffer({handle}) as b:
                assert b.size == {payload.size} and not b.secure, b
                with b.map() as m:
                    print(hashlib.sha256(numpy.frombuffer(m, numpy.uint8)).hexdigest())
        """)
        out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                             timeout=60, env=dict(os.environ))
        assert out.returncode == 0, out.stderr
        import hashlib
        assert out.stdout.strip() == hashlib.sha256(payload.tobytes()).hexdigest()
        # The child freed it: gone from the pool.
        assert not svc.is_valid(handle)
        assert pool.metrics()[0] == 0


def test_adopting_a_handle_takes_ownership(svc):
    with svc.create_video_pool() as pool:
        h = pool.alloc(500).detach()
        with pytest.warns(ResourceWarning):
            b = svc.buffer(h)
            assert b.owned and b.size == 500
            del b
            gc.collect()
        assert not svc.is_valid(h)


def test_garbage_collection_frees_buffers_and_pools(svc):
    pool = svc.create_video_pool()
    handle = pool.handle
    with pytest.warns(ResourceWarning) as warned:
        bufs = [pool.alloc(1000) for _ in range(5)]
        assert pool.metrics()[0] > 0
        hs = [b.handle for b in bufs]
        del bufs
        gc.collect()
        assert pool.metrics()[0] == 0
        assert not any(svc.is_valid(h) for h in hs)
        b = pool.alloc(1000)
        del pool  # b keeps the pool alive
        gc.collect()
        assert [p for p, _, _ in svc.pool_metrics()] == [handle]
        del b
        gc.collect()
    assert svc.pool_metrics() == []
    assert len(warned) == 7  # five buffers, then one buffer and its pool


def test_destroy_frees_the_buffers_the_pool_owns(svc):
    with svc.create_video_pool() as pool:
        a = pool.alloc(100)
        b = pool.alloc(200)
        b.free()
    assert not pool.live and not a.owned
    with pytest.raises(ValueError):
        pool.alloc(10)
    with pytest.raises(ValueError):
        a.write(b"x")


def test_the_example_runs(svc):
    example = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "python",
                           "fill_frames.py")
    out = subprocess.run([sys.executable, example, "--frames", "3", "--size", "64x48"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "frame 2 filled" in out.stdout and "all freed" in out.stdout
