/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The GStreamer plugin "avbuffer": registers the elements built in (see
 * meson.build: an element is in when its file is, which defines
 * AVB_GST_HAVE_<ELEMENT>). Each element file defines its registration with
 * GST_ELEMENT_REGISTER_DEFINE(<element>, "<element>", GST_RANK_NONE, type):
 * rank none, so nothing auto-plugs them unless a pipeline names them.
 */
#include <gst/gst.h>

#ifdef AVB_GST_HAVE_AVBVIDEODEC
GST_ELEMENT_REGISTER_DECLARE(avbvideodec);
#endif
#ifdef AVB_GST_HAVE_AVBAUDIODEC
GST_ELEMENT_REGISTER_DECLARE(avbaudiodec);
#endif
#ifdef AVB_GST_HAVE_AVBVIDEOSINK
GST_ELEMENT_REGISTER_DECLARE(avbvideosink);
#endif
#ifdef AVB_GST_HAVE_AVBAUDIOSINK
GST_ELEMENT_REGISTER_DECLARE(avbaudiosink);
#endif

static gboolean plugin_init(GstPlugin *plugin)
{
        gboolean ok = TRUE;

        (void)plugin;
#ifdef AVB_GST_HAVE_AVBVIDEODEC
        ok &= GST_ELEMENT_REGISTER(avbvideodec, plugin);
#endif
#ifdef AVB_GST_HAVE_AVBAUDIODEC
        ok &= GST_ELEMENT_REGISTER(avbaudiodec, plugin);
#endif
#ifdef AVB_GST_HAVE_AVBVIDEOSINK
        ok &= GST_ELEMENT_REGISTER(avbvideosink, plugin);
#endif
#ifdef AVB_GST_HAVE_AVBAUDIOSINK
        ok &= GST_ELEMENT_REGISTER(avbaudiosink, plugin);
#endif
        return ok;
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, avbuffer,
                  "AV Buffer HAL elements: decoders and sinks passing AV buffer handles",
                  plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
