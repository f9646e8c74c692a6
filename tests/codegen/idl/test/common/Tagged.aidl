package test.common;

/**
 * A generic parcelable: its type parameters name what the value is about but
 * no field uses them, so every Tagged<...> is one C type and one message.
 */
parcelable Tagged<T, Unit> {
    int tag;
    long stamp;
}
