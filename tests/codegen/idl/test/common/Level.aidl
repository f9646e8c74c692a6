package test.common;

/** An enum with the default (byte) backing. */
enum Level {
    LOW = -3,
    MID,
    HIGH = 100,
}
