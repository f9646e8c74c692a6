package com.rdk.hal.audiosink;

/** Audio sink errors; the published HAL has only a placeholder so far. */
@VintfStability
@Backing(type="int")
enum ErrorCode {
    xxx = 1,
}
