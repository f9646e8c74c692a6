/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pipeline element's first steps, built out of tree against the installed
 * headers and pkg-config files: find the AV Buffer service, make a helper.
 * Run with no service manager it must fail cleanly, not crash.
 */
#include <stdio.h>
#include <string.h>

#include <avbuffer/helper.h>
#include <avbuffer/servicemanager.h>
#include <avbuffer/gen/com_rdk_hal_avbuffer.h>

int main(void)
{
        avb_binder *sm = NULL, *av = NULL;
        avb_helper *h = NULL;
        com_rdk_hal_avbuffer_HeapMetrics m;
        avb_status st;
        int e;

        e = avb_sm_connect(&sm);
        if (e < 0) {
                printf("no service manager: %s\n", strerror(-e));
                return 3;
        }
        e = avb_service_get(sm, com_rdk_hal_avbuffer_IAVBuffer_serviceName, 2000, &av);
        if (e < 0) {
                printf("no AV Buffer service: %s\n", strerror(-e));
                return 3;
        }
        st = com_rdk_hal_avbuffer_IAVBuffer_getHeapMetrics(av, false, &m);
        if (!avb_status_is_ok(&st) || avb_helper_new(av, &h) < 0)
                return 1;
        printf("non-secure heap: %d of %d bytes\n", m.bytesUsed, m.bytesTotal);
        avb_helper_free(h);
        avb_binder_unref(av);
        avb_binder_unref(sm);
        return 0;
}
