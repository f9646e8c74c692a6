package com.rdk.hal;

/**
 * The value of one property of an RDK HAL resource. Each property documents
 * which member of Value it uses; a null value means "no value".
 */
@VintfStability
parcelable PropertyValue
{
    /** Exactly one of the typed members. */
    @VintfStability
    union Value
    {
        boolean booleanValue;
        byte byteValue;
        char charValue;
        int intValue;
        long longValue;
        float floatValue;
        double doubleValue;
        String stringValue;
        /** A list of integers, used for lists of enumerators. */
        int[] intArrayValue;
    }

    /** The value, or null. */
    @nullable Value value;
}
