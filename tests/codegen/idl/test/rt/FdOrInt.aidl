package test.rt;

/** A ParcelFileDescriptor as a union member. */
union FdOrInt {
    int n;
    ParcelFileDescriptor fd;
}
