/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbaudiosink: decoded PCM (audio/x-raw(memory:AVBuffer), interleaved S16LE)
 * handed by handle to the published Audio Sink HAL
 * (IAudioSinkController.queueAudioFrame), which presents it by the
 * pipeline's AV clock, the same clock as avbvideosink's. Everything but the
 * HAL calls is avbsink.c's.
 *
 * Each frame's metadata gives the PCM format (PCMMetadata, from the caps)
 * and its size (avb.avbuffer.PcmLayout in the extension: the buffer's size
 * and its samples), as the audio decoder's frame metadata does.
 */
#include <errno.h>

#include <gst/audio/audio.h>

#include "avb_avbuffer.h"
#include "avbmemory.h"
#include "avbsink.h"
#include "com_rdk_hal_audiosink.h"

#define AS(x) com_rdk_hal_audiosink_##x
#define AD(x) com_rdk_hal_audiodecoder_##x

#define AVB_GST_TYPE_AUDIO_SINK (avb_gst_audio_sink_get_type())
G_DECLARE_FINAL_TYPE(AvbGstAudioSink, avb_gst_audio_sink, AVB_GST, AUDIO_SINK, AvbGstSink)

struct _AvbGstAudioSink {
        AvbGstSink parent;
        GstAudioInfo info; /* from the caps */
};

G_DEFINE_TYPE(AvbGstAudioSink, avb_gst_audio_sink, AVB_GST_TYPE_SINK)
GST_ELEMENT_REGISTER_DECLARE(avbaudiosink);
GST_ELEMENT_REGISTER_DEFINE(avbaudiosink, "avbaudiosink", GST_RANK_NONE, AVB_GST_TYPE_AUDIO_SINK)

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS("audio/x-raw(" AVB_GST_CAPS_FEATURE_MEMORY "), format = (string) S16LE, "
                    "layout = (string) interleaved, rate = (int) [ 1, MAX ], "
                    "channels = (int) [ 1, 8 ]"));

/* ---- the controller listener ------------------------------------------------ */

static const AS(IAudioSinkControllerListener_ops) listener_ops = {
    .onStateChanged = avb_gst_ignore_state,
    .onFirstFrameRendered = avb_gst_sink_ignore_pts,
    .onEndOfStream = avb_gst_sink_on_eos,
    .onAudioUnderflow = avb_gst_sink_ignore,
    .onAudioResumed = avb_gst_sink_ignore_pts,
    .onFlushComplete = avb_gst_sink_ignore,
    .onFrameBufferAvailable = avb_gst_sink_on_space,
};

/* ---- the HAL calls ------------------------------------------------------------ */

static int as_open(AvbGstSink *s, avb_binder *mgr, int32_t id, avb_binder **ret_sink,
                   avb_binder **ret_ctl, avb_binder **ret_listener)
{
        AS(IAudioSink_Id) sid = {.value = id};
        avb_status st = AS(IAudioSinkManager_getAudioSink)(mgr, &sid, ret_sink);

        if (!avb_status_is_ok(&st) || !*ret_sink)
                return -ENODEV;
        /* the listener keeps the element alive for as long as the HAL may call it */
        if (AS(IAudioSinkControllerListener_new_local)(&listener_ops, g_object_ref(s),
                                                       g_object_unref, ret_listener) < 0) {
                g_object_unref(s);
                return -ENOMEM;
        }
        st = AS(IAudioSink_open)(*ret_sink, AS(ContentType_MOVIE), *ret_listener, ret_ctl);
        return avb_status_is_ok(&st) ? 0 : -EIO;
}

static avb_status as_attach(avb_binder *ctl, int32_t clock_id)
{
        com_rdk_hal_avclock_IAVClock_Id id = {.value = clock_id};

        return AS(IAudioSinkController_attachClock)(ctl, &id);
}

static avb_status as_set_decoder(avb_binder *ctl, int32_t decoder_id, bool *ret)
{
        AD(IAudioDecoder_Id) id = {.value = decoder_id};

        return AS(IAudioSinkController_setAudioDecoder)(ctl, &id, ret);
}

static avb_status as_queue(AvbGstSink *s, avb_binder *ctl, int64_t pts, int64_t handle,
                           GstBuffer *buf, bool eos, bool *ret)
{
        AvbGstAudioSink *a = AVB_GST_AUDIO_SINK(s);
        AD(FrameMetadata) md;
        AD(PCMMetadata) pcm;
        avb_avbuffer_PcmLayout l;
        avb_status st;

        AD(FrameMetadata_init)(&md);
        AD(PCMMetadata_init)(&pcm);
        avb_avbuffer_PcmLayout_init(&l);
        pcm.numChannels = GST_AUDIO_INFO_CHANNELS(&a->info);
        pcm.sampleRate = GST_AUDIO_INFO_RATE(&a->info);
        pcm.format = AD(PCMFormat_S16LE);
        md.type = AD(FrameType_PCM);
        md.endOfStream = eos;
        md.metadata = &pcm;
        l.frameBytes = (int32_t)gst_buffer_get_size(buf);
        l.samples = GST_AUDIO_INFO_BPF(&a->info) ? l.frameBytes / GST_AUDIO_INFO_BPF(&a->info) : 0;
        if (avb_avbuffer_PcmLayout_holder_put(&md.extension, &l) < 0)
                return avb_status_from_errno(-ENOMEM, "PCM layout");
        st = AS(IAudioSinkController_queueAudioFrame)(ctl, pts, handle, &md, ret);
        avb_parcelable_holder_fini(&md.extension);
        return st;
}

/* ---- the element ----------------------------------------------------------------- */

static gboolean set_caps(GstBaseSink *base, GstCaps *caps)
{
        AvbGstAudioSink *a = AVB_GST_AUDIO_SINK(base);

        return gst_audio_info_from_caps(&a->info, caps);
}

static void avb_gst_audio_sink_class_init(AvbGstAudioSinkClass *klass)
{
        GstElementClass *e = GST_ELEMENT_CLASS(klass);
        AvbGstSinkClass *s = AVB_GST_SINK_CLASS(klass);

        gst_element_class_add_static_pad_template(e, &sink_template);
        gst_element_class_set_static_metadata(
            e, "AV Buffer HAL audio sink", "Sink/Audio",
            "Hands decoded PCM by its AV buffer handles to the Audio Sink HAL, which presents it "
            "by the pipeline's AV clock",
            "avbuffer");
        GST_BASE_SINK_CLASS(klass)->set_caps = set_caps;
        s->kind = "audio";
        s->service = AS(IAudioSinkManager_serviceName);
        s->open = as_open;
        s->close = AS(IAudioSink_close);
        s->start = AS(IAudioSinkController_start);
        s->stop = AS(IAudioSinkController_stop);
        s->flush = AS(IAudioSinkController_flush);
        s->attach_clock = as_attach;
        s->set_decoder = as_set_decoder;
        s->queue = as_queue;
}

static void avb_gst_audio_sink_init(AvbGstAudioSink *a)
{
        gst_audio_info_init(&a->info);
}
