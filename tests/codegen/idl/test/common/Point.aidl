package test.common;

/** A point in another package, used by value and in arrays across packages. */
parcelable Point {
    int x;
    int y = -1;
    /** Largest coordinate. */
    const int MAX = 1 << 20;
}
