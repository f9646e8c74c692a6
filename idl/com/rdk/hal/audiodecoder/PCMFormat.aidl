package com.rdk.hal.audiodecoder;

/**
 * The sample format of PCM: float or signed or unsigned integer, the bits
 * per sample, and the byte order. S24_32 and U24_32 keep 24 significant
 * bits at the top of a 32-bit word; S24, S20 and S18 are packed.
 */
@VintfStability
@Backing(type="int")
enum PCMFormat {
    F64LE = 0,
    F64BE = 1,
    F32LE = 2,
    F32BE = 3,
    S32LE = 4,
    S32BE = 5,
    U32LE = 6,
    U32BE = 7,
    S24_32LE = 8,
    S24_32BE = 9,
    U24_32LE = 10,
    U24_32BE = 11,
    S24LE = 12,
    S24BE = 13,
    U24LE = 14,
    U24BE = 15,
    S20LE = 16,
    S20BE = 17,
    U20LE = 18,
    U20BE = 19,
    S18LE = 20,
    S18BE = 21,
    U18LE = 22,
    U18BE = 23,
    S16LE = 24,
    S16BE = 25,
    U16LE = 26,
    U16BE = 27,
    S8 = 28,
    U8 = 29
}
