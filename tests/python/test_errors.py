# SPDX-License-Identifier: Apache-2.0
"""What the HAL says reaches Python intact, and the documented failures of
alloc, free and trimSize that the C conformance suite checks
(tests/conformance/cases_buffers.c) are checked again through the module."""
import pytest

import avbuffer

INT32_MAX = 2**31 - 1
INT32_MIN = -2**31


def test_error_carries_the_hal_codes(svc):
    with svc.create_audio_pool() as pool:
        total = pool.metrics()[1]
        b = pool.alloc(total)
        with pytest.raises(avbuffer.OutOfMemory) as e:
            pool.alloc(64)
        err = e.value
        assert isinstance(err, avbuffer.Error) and isinstance(err, MemoryError)
        assert err.exception == avbuffer.EX_SERVICE_SPECIFIC == -8
        assert err.service_specific == avbuffer.OUT_OF_MEMORY == 5
        assert err.args[:2] == (-8, 5) and "EX_SERVICE_SPECIFIC" in str(err)
        b.free()


def test_destroy_of_a_pool_with_a_handed_on_buffer_is_not_empty(svc):
    pool = svc.create_video_pool()
    h = pool.alloc(100).detach()
    with pytest.raises(avbuffer.NotEmpty) as e:
        pool.destroy()
    assert (e.value.exception, e.value.service_specific) == (-8, avbuffer.NOT_EMPTY)
    assert pool.live  # still there, still usable
    assert svc.free(h) is True
    pool.destroy()
    assert not pool.live


def test_pool_creation_failures(svc):
    with pytest.raises(avbuffer.IllegalArgument) as e:
        svc.create_video_pool(decoder_id=99)
    assert e.value.exception == avbuffer.EX_ILLEGAL_ARGUMENT and isinstance(e.value, ValueError)
    # Video decoder 1 is not configured for secure pools in the profile.
    with pytest.raises(avbuffer.IllegalState) as e:
        svc.create_video_pool(secure=True, decoder_id=1)
    assert e.value.exception == avbuffer.EX_ILLEGAL_STATE


def test_transport_failure(daemons):
    with pytest.raises(avbuffer.TransportError) as e:
        avbuffer.connect("NoSuchService", timeout=0)
    assert e.value.exception == avbuffer.EX_TRANSACTION_FAILED
    assert e.value.transport != 0 and isinstance(e.value, ConnectionError)
    assert "NoSuchService" in e.value.message


def test_security_error_is_a_permission_error_with_the_codes():
    e = avbuffer.SecurityError(-1, 0, "refused", 0)
    assert isinstance(e, PermissionError) and e.exception == -1


def test_error_can_be_made_and_read_from_python():
    e = avbuffer.IllegalState(-5, 0, "nope")
    assert (e.exception, e.service_specific, e.message, e.transport) == (-5, 0, "nope", 0)
    assert str(e) == "nope" and isinstance(e, avbuffer.Error)


# ---- alloc ------------------------------------------------------------------

def test_alloc_bad_size_illegal_argument(svc):
    with svc.create_video_pool() as pool:
        total = pool.metrics()[1]
        for size in (0, -1, -64, INT32_MIN, total + 1, INT32_MAX, INT32_MAX - 63,
                     INT32_MAX - 4095):
            with pytest.raises(avbuffer.IllegalArgument):
                pool.alloc(size)
        with pytest.raises(OverflowError):  # not an int32: refused before any call
            pool.alloc(2**31)
        assert pool.metrics() == (0, total)


def test_alloc_unknown_pool_illegal_argument(svc):
    pool = svc.create_video_pool()
    gone = pool.handle
    pool.destroy()
    used = {p for s in (False, True) for p, _, _ in svc.pool_metrics(s)}
    unused = max(set(range(128)) - used - {gone})
    for handle in (gone, -1, -128, unused):
        with pytest.raises(avbuffer.IllegalArgument):
            svc.alloc(handle, 100)


def test_alloc_full_pool_out_of_memory_then_room_after_a_free(svc):
    with svc.create_audio_pool() as pool:
        total = pool.metrics()[1]
        bufs = [pool.alloc(total // 4) for _ in range(4)]
        with pytest.raises(avbuffer.OutOfMemory):
            pool.alloc(64)
        bufs[1].free()
        pool.alloc(total // 4).free()
        for b in bufs:
            if b.owned:
                b.free()


# ---- free -------------------------------------------------------------------

def test_free_twice_false(svc):
    with svc.create_video_pool() as pool:
        b = pool.alloc(100)
        h = b.handle
        assert b.free() is True
        assert svc.free(h) is False
        with pytest.raises(ValueError):  # the object knows it is freed
            b.free()


def test_stale_forged_and_fixed_handles(svc):
    with svc.create_video_pool() as pool, pool.alloc(500) as live:
        stale = pool.alloc(500)
        s = stale.handle
        stale.free()
        bad = [s, -1, 0, -2**63, 2**63 - 1, 1, 1 << 32, live.handle + 1, live.handle ^ 1,
               live.handle ^ (1 << 40), -live.handle, s + 1]
        for h in bad:
            assert svc.is_valid(h) is False
            assert svc.free(h) is False
            with pytest.raises(avbuffer.IllegalArgument):
                svc.trim(h, 10)
            with pytest.raises(avbuffer.IllegalArgument):
                svc.buffer(h)
        assert svc.is_valid(live.handle)


# ---- trimSize ---------------------------------------------------------------

def test_trim_shrinks_the_last_allocation(svc):
    with svc.create_video_pool() as pool, pool.alloc(5000) as b:
        b.trim(100)
        assert b.size == 100 and pool.metrics()[0] == 128
        with b.map() as m:
            assert len(m) == 100


def test_trim_not_last_illegal_state(svc):
    with svc.create_video_pool() as pool:
        a = pool.alloc(1000)
        last = pool.alloc(64)
        with pytest.raises(avbuffer.IllegalState) as e:
            a.trim(10)
        assert e.value.exception == -5 and a.size == 1000
        last.trim(10)


def test_trim_bad_size_illegal_argument(svc):
    with svc.create_video_pool() as pool, pool.alloc(2000) as b:
        for size in (0, -1, INT32_MIN, 2001, 4096, INT32_MAX, INT32_MAX - 63):
            with pytest.raises(avbuffer.IllegalArgument):
                b.trim(size)
        assert b.size == 2000 and pool.metrics()[0] == 2048


def test_trim_size_beyond_buffer_from_another_pool(svc):
    with svc.create_video_pool() as big, svc.create_audio_pool(decoder_id=0) as small:
        big.alloc(1000)
        b = small.alloc(1000)
        for size in (big.metrics()[1] - 64, small.metrics()[1]):
            with pytest.raises(avbuffer.IllegalArgument):
                b.trim(size)
        assert b.size == 1000
