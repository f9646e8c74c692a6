// SPDX-License-Identifier: Apache-2.0
// C++ middleware's view: the spec-shaped IAVBufferHelper wrapper and the
// generated C API compile cleanly as C++ against the installed headers.
#include <cstdio>

#include <avbuffer/helper.hpp>
#include <avbuffer/servicemanager.h>
#include <avbuffer/gen/com_rdk_hal_avbuffer.h>

int main()
{
        avb_binder *sm = nullptr, *av = nullptr;
        if (avb_sm_connect(&sm) < 0 ||
            avb_service_get(sm, com_rdk_hal_avbuffer_IAVBuffer_serviceName, 2000, &av) < 0) {
                std::puts("no AV Buffer service");
                return 3;
        }
        {
                avbuffer::IAVBufferHelper helper(av);
                size_t size = 0;
                // A forged handle: every call must fail cleanly with -ENOENT.
                if (!helper.valid() || helper.getAllocationSize(int64_t(1) << 40, &size) ||
                    helper.lastError() >= 0)
                        return 1;
                std::printf("C++ helper: forged handle refused (%d)\n", helper.lastError());
        }
        avb_binder_unref(av);
        avb_binder_unref(sm);
        return 0;
}
