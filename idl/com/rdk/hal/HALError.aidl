package com.rdk.hal;

/**
 * Service-specific error codes shared by the RDK HAL interfaces.
 * A method raises one of these with EX_SERVICE_SPECIFIC; the code travels
 * in the status next to the exception.
 */
@VintfStability
@Backing(type="int")
enum HALError {
    /** No error. Never raised; present so that 0 has a name. */
    SUCCESS = 0,
    /** A queue or buffer has no room left for the request. */
    BUFFER_FULL = 1,
    /** The resource named by the call does not exist or is not usable. */
    INVALID_RESOURCE = 2,
    /** The codec is not supported. */
    INVALID_CODEC = 3,
    /** The operation will complete later. */
    DEFERRED = 4,
    /** There is not enough memory to satisfy the request. */
    OUT_OF_MEMORY = 5,
    /** An offset or size falls outside its container. */
    OUT_OF_BOUNDS = 6,
    /** The object still holds items and cannot be destroyed. */
    NOT_EMPTY = 7,
    /** An argument is not valid. */
    INVALID_ARGUMENT = 8,
}
