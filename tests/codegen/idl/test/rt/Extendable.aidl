package test.rt;

/** A parcelable with an extension of any type (ParcelableHolder). */
parcelable Extendable {
    int id;
    ParcelableHolder ext;
}
