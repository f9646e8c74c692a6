/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Forwarding header: lets code that has vendor/ on its include path write
 * #include "vendor.h". The contract lives in include/avbuffer/vendor.h.
 */
#ifndef AVB_VENDOR_FORWARD_H
#define AVB_VENDOR_FORWARD_H

#include "avbuffer/vendor.h"

#endif /* AVB_VENDOR_FORWARD_H */
