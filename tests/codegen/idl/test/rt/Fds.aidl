package test.rt;

import test.rt.FdOrInt;

/** ParcelFileDescriptors inside a parcelable: owned by it, closed by its fini. */
parcelable Fds {
    ParcelFileDescriptor fd;
    @nullable ParcelFileDescriptor maybe;
    ParcelFileDescriptor[] many;
    ParcelFileDescriptor[2] pair;
    FdOrInt either;
    String label;
}
