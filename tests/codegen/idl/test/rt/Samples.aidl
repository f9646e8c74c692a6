package test.rt;

/**
 * Only a primitive array: its decoder calls calloc but never uses the call,
 * which must still be marked unused (-Werror=unused-parameter).
 */
parcelable Samples {
    int[] values;
}
