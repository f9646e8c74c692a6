package com.rdk.hal.audiosink;

/** What kind of audio a client plays through a sink (it may shape mixing). */
@VintfStability
@Backing(type="int")
enum ContentType {
    UNKNOWN = 0,
    SPEECH = 1,
    MUSIC = 2,
    MOVIE = 3,
    SONIFICATION = 4
}
