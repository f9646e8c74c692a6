/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin loads from the build tree: its name, and every element it was
 * built with, at rank none, with the pads and properties the elements
 * promise. Needs no avbuffer daemon.
 */
#include <gst/check/gstcheck.h>

/* Each element of the plugin: its name and properties it must have. */
static const struct element_case {
        const char *name;
        const char *properties[4];
} elements[] = {
    {"identity", {NULL}}, /* a stand-in until the plugin's first element lands */
};

GST_START_TEST(test_plugin_loads)
{
        GstPlugin *plugin = gst_registry_find_plugin(gst_registry_get(), "avbuffer");

        fail_unless(plugin != NULL, "plugin avbuffer not found (GST_PLUGIN_PATH)");
        fail_unless_equals_string(gst_plugin_get_name(plugin), "avbuffer");
        gst_object_unref(plugin);
}
GST_END_TEST;

GST_START_TEST(test_elements)
{
        for (size_t i = 0; i < G_N_ELEMENTS(elements); i++) {
                const struct element_case *c = &elements[i];
                GstElementFactory *f = gst_element_factory_find(c->name);
                GstElement *e;

                fail_unless(f != NULL, "no element %s", c->name);
                fail_unless_equals_int(gst_plugin_feature_get_rank(GST_PLUGIN_FEATURE(f)),
                                       GST_RANK_NONE);
                fail_unless(gst_element_factory_get_num_pad_templates(f) >= 1);
                e = gst_element_factory_create(f, NULL);
                fail_unless(e != NULL, "%s cannot be made", c->name);
                for (size_t p = 0; c->properties[p]; p++)
                        fail_unless(g_object_class_find_property(G_OBJECT_GET_CLASS(e),
                                                                 c->properties[p]) != NULL,
                                    "%s has no property %s", c->name, c->properties[p]);
                gst_object_unref(e);
                gst_object_unref(f);
        }
}
GST_END_TEST;

static Suite *plugin_suite(void)
{
        Suite *s = suite_create("avbuffer-plugin");
        TCase *tc = tcase_create("plugin");

        suite_add_tcase(s, tc);
        tcase_add_test(tc, test_plugin_loads);
        tcase_add_test(tc, test_elements);
        return s;
}

GST_CHECK_MAIN(plugin);
