/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzing avbufferd's request decoding and dispatch, in process.
 *
 * An input is tried two ways: as a whole request frame (stubs/frame.h,
 * read by the server's own parser, its payload dispatched to the object and
 * code it names), and as a bare method payload for the code in its first
 * byte. Seeds come in both forms.
 * Both reach the generated skeletons of IAVBuffer, IBufferCopier and
 * IAVBufferControl and the real service behind them (vendor layer, heaps,
 * ring allocator), which must answer every input with a status and never
 * crash, leak or corrupt their state.
 *
 * Built two ways: with -DAVB_LIBFUZZER as a libFuzzer target (clang,
 * -Dfuzz=true), and otherwise as a bounded, seeded mutation test that
 * always runs in `meson test`: it starts from valid requests produced by
 * the generated client code and mutates them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <avbuffer/log.h>

#include "avb_avbuffer.h"
#include "avb_avbuffer.pb-c.h"
#include "com_rdk_hal_avbuffer.h"
#include "com_rdk_hal_avbuffer.pb-c.h"
#include "frame.h"
#include "profile.h"
#include "service.h"
#include "vendor.h"

static struct avbd_profile profile;
static struct avbd_service *service;
static unsigned long n_ok, n_exception, n_undecodable;

static const avb_interface_desc *const ifaces[AVBD_N_OBJECTS] = {
    &com_rdk_hal_avbuffer_IAVBuffer_desc,
    &avb_avbuffer_IBufferCopier_desc,
    &avb_avbuffer_IAVBufferControl_desc,
};

static void setup(void)
{
        if (service)
                return;
        avb_log_set_level(AVB_LOG_ERROR);
        if (avbd_profile_defaults(&profile) < 0 || avbd_service_new(&profile, &service) < 0) {
                fprintf(stderr, "fuzz: cannot set up the service\n");
                abort();
        }
}

static void dispatch(uint32_t object, uint32_t code, const uint8_t *data, size_t len)
{
        const avb_interface_desc *iface = ifaces[object % AVBD_N_OBJECTS];
        avb_binder *b = avbd_service_object(service, object % AVBD_N_OBJECTS);
        uint8_t *reply = NULL;
        size_t reply_len = 0;
        avb_status st;

        st = avb_binder_transact(b, iface, code, 0, data, len, &reply, &reply_len);
        if (avb_status_is_ok(&st))
                n_ok++;
        else if (st.exception == AVB_EX_TRANSACTION_FAILED)
                n_undecodable++;
        else
                n_exception++;
        if (!avb_status_is_ok(&st) && (reply || reply_len))
                abort(); /* outputs are untouched on failure */
        if (st.exception == AVB_EX_TRANSACTION_FAILED && st.transport != AVB_TS_BAD_MESSAGE &&
            st.transport != AVB_TS_UNKNOWN_TRANSACTION)
                abort(); /* in process, only decoding and unknown codes may fail so */
        free(reply);
}

static void one_input(const uint8_t *data, size_t size)
{
        avb_frame_request req;

        if (!avb_frame_parse_request(data, size, &req))
                dispatch(req.object_id, req.code, req.payload, req.len);
        if (size > 0)
                dispatch(data[0] >> 5, data[0] & 0x1f, data + 1, size - 1);
}

#ifdef AVB_LIBFUZZER

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        setup();
        one_input(data, size);
        return 0;
}

#else

/* ---- the bounded mutation test ---------------------------------------- */

struct seed {
        uint8_t *data;
        size_t len;
};

static struct seed seeds[128];
static size_t n_seeds;

/* A seed as a bare payload and as a whole frame. */
static void add_seed(const ProtobufCMessage *msg, uint32_t object, uint32_t code)
{
        size_t n = protobuf_c_message_get_packed_size(msg);
        uint8_t *b = malloc(n + 1);
        avb_request_head h = {
            .client_id = 1,
            .request_id = n_seeds + 1,
            .object_id = object,
            .descriptor = ifaces[object % AVBD_N_OBJECTS]->descriptor,
            .code = code,
        };

        if (!b || n_seeds + 2 > sizeof(seeds) / sizeof(seeds[0]))
                abort();
        b[0] = (uint8_t)(object << 5 | code);
        protobuf_c_message_pack(msg, b + 1);
        seeds[n_seeds].data = b;
        seeds[n_seeds].len = n + 1;
        n_seeds++;
        if (avb_frame_pack_request(&h, b + 1, n, &seeds[n_seeds].data, &seeds[n_seeds].len) < 0)
                abort();
        n_seeds++;
}

/* Valid requests for every method, as the generated client would send them. */
static void make_seeds(void)
{
        Com__Rdk__Hal__Avbuffer__IAVBuffer__AllocRequest alloc =
            COM__RDK__HAL__AVBUFFER__IAVBUFFER__ALLOC_REQUEST__INIT;
        Com__Rdk__Hal__Avbuffer__Pool pool = COM__RDK__HAL__AVBUFFER__POOL__INIT;
        Com__Rdk__Hal__Avbuffer__IAVBuffer__GetHeapMetricsRequest heap =
            COM__RDK__HAL__AVBUFFER__IAVBUFFER__GET_HEAP_METRICS_REQUEST__INIT;
        Com__Rdk__Hal__Avbuffer__IAVBuffer__TrimSizeRequest trim =
            COM__RDK__HAL__AVBUFFER__IAVBUFFER__TRIM_SIZE_REQUEST__INIT;
        Com__Rdk__Hal__Avbuffer__IAVBuffer__FreeRequest fr =
            COM__RDK__HAL__AVBUFFER__IAVBUFFER__FREE_REQUEST__INIT;
        Avb__Avbuffer__IBufferCopier__WriteRequest wr =
            AVB__AVBUFFER__IBUFFER_COPIER__WRITE_REQUEST__INIT;
        uint8_t bytes[32] = {1, 2, 3};

        heap.secureheap = 1;
        add_seed(&heap.base, 0, 1);
        pool.handle = 0;
        alloc.poolhandle = &pool;
        alloc.size = 1000;
        for (uint32_t code = 2; code <= 13; code++)
                add_seed(&alloc.base, 0, code);
        trim.bufferhandle = (int64_t)1 << 32;
        trim.newsize = 10;
        add_seed(&trim.base, 0, 9);
        fr.bufferhandle = -1;
        add_seed(&fr.base, 0, 10);
        wr.handle = (int64_t)1 << 32;
        wr.data.data = bytes;
        wr.data.len = sizeof(bytes);
        add_seed(&wr.base, 1, 1);
        add_seed(&wr.base, 1, 3);
        add_seed(&wr.base, 2, 1);
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t n)
{
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return n ? (uint32_t)(rng % n) : 0;
}

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
        int edits = 1 + (int)rnd(4);

        while (edits--) {
                switch (rnd(6)) {
                case 0: /* flip a bit */
                        if (len)
                                buf[rnd((uint32_t)len)] ^= (uint8_t)(1u << rnd(8));
                        break;
                case 1: /* an interesting byte */
                        if (len)
                                buf[rnd((uint32_t)len)] =
                                    (uint8_t[]){0, 0x7f, 0x80, 0xff, 0x01, 0x10}[rnd(6)];
                        break;
                case 2: /* truncate */
                        len = rnd((uint32_t)len + 1);
                        break;
                case 3: /* insert a long varint */
                        if (len + 10 <= cap) {
                                size_t at = rnd((uint32_t)len + 1);
                                if (at > len)
                                        break;
                                memmove(buf + at + 10, buf + at, len - at);
                                memset(buf + at, 0xff, 9);
                                buf[at + 9] = 0x01;
                                len += 10;
                        }
                        break;
                case 4: /* duplicate a slice */
                        if (len && len * 2 <= cap) {
                                memcpy(buf + len, buf, len);
                                len *= 2;
                        }
                        break;
                default: /* zero a byte: ends varints and shortens lengths */
                        if (len)
                                buf[rnd((uint32_t)len)] = 0;
                        break;
                }
        }
        return len;
}

int main(int argc, char **argv)
{
        long iterations = argc > 1 ? atol(argv[1]) : 30000;
        uint8_t buf[4096];

        setup();
        make_seeds();
        for (size_t i = 0; i < n_seeds; i++)
                one_input(seeds[i].data, seeds[i].len);
        for (long i = 0; i < iterations; i++) {
                const struct seed *s = &seeds[rnd((uint32_t)n_seeds)];
                size_t len = s->len < sizeof(buf) ? s->len : sizeof(buf);

                memcpy(buf, s->data, len);
                /* The payload after the method byte; now and then the method too. */
                len = 1 + mutate(buf + 1, len - 1, sizeof(buf) - 1);
                if (rnd(16) == 0)
                        buf[0] = (uint8_t)rnd(256);
                one_input(buf, len);
        }
        /* The service must still be whole: every pool the inputs made is gone
         * once destroyed, and the heap metrics add up. */
        struct avb_heap_metrics hm;
        if (avb_vendor_heap_metrics(avbd_service_vendor(service), false, &hm) < 0 ||
            hm.bytes_used < 0 || hm.bytes_used > hm.bytes_total) {
                fprintf(stderr, "fuzz: heap metrics inconsistent after fuzzing\n");
                return 1;
        }
        printf("fuzz_dispatch: %ld mutated inputs: %lu calls succeeded, %lu raised an "
               "exception, %lu did not decode; service consistent\n",
               iterations, n_ok, n_exception, n_undecodable);
        if (n_ok < (unsigned long)iterations / 20 || n_exception < (unsigned long)iterations / 20) {
                fprintf(stderr, "fuzz: too few inputs reached the service\n");
                return 1;
        }
        for (size_t i = 0; i < n_seeds; i++)
                free(seeds[i].data);
        avbd_service_free(service);
        avbd_profile_fini(&profile);
        return 0;
}

#endif
