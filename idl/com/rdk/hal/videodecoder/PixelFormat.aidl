package com.rdk.hal.videodecoder;

/**
 * The sampling of a decoded frame. The plane layout of the frame buffer
 * itself is the vendor's; NATIVE names a layout only the vendor knows.
 */
@VintfStability
@Backing(type="int")
enum PixelFormat
{
    YCBCR422 = 1,
    YCBCR444 = 2,
    /** Luma at full resolution, both chroma planes at half width and height. */
    YCBCR420 = 3,
    RGB = 4,
    NATIVE = 100,
}
