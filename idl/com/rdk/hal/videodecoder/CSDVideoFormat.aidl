package com.rdk.hal.videodecoder;

/** The layout of the codec configuration given to parseCodecSpecificData. */
@VintfStability
@Backing(type="int")
enum CSDVideoFormat {
    /** An ISO/IEC 14496-15 AVCDecoderConfigurationRecord (MP4's avcC box body). */
    AVC_DECODER_CONFIGURATION_RECORD = 0,
    /** An HEVCDecoderConfigurationRecord (MP4's hvcC box body). */
    HEVC_DECODER_CONFIGURATION_RECORD = 1,
    /** An AV1CodecConfigurationRecord (MP4's av1C box body). */
    AV1_DECODER_CONFIGURATION_RECORD = 2
}
