package test.rt;

import test.common.Point;
import test.rt.FixedOr;
import test.rt.Mode;

/** Fixed-size arrays: inline in C, exactly N elements on the wire. */
parcelable Fixed {
    const int SIDE = 2;
    byte[16] uuid;
    int[3] triple = {1, 2, 3};
    int[SIDE][SIDE + 1] grid;
    String[2] names;
    Point[2] corners;
    Mode[2] modes;
    long[0] none;
    /* @nullable: a pointer to the array, NULL for null */
    @nullable int[2] maybe;
    @nullable Point[2] maybePoints;
    @nullable byte[4] maybeBytes;
    @nullable String[2] maybeNames;
    FixedOr choice;
}
