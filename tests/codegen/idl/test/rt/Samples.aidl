package test.rt;

/**
 * Only a primitive array: its decoder calls calloc but never uses the call,
 * which must still be marked unused (-Werror=unused-parameter); and a field
 * whose name ends in _rc, which is not the emitters' _rc variable.
 */
parcelable Samples {
    int[] values;
    int frame_rc;
}
