package test.rt;

import test.common.Point;

/** Fixed-size arrays as union members: inline arrays in the C union. */
union FixedOr {
    /* a constant inside a union; sizes a member */
    const int THREE = 3;
    long plain;
    int[THREE] three;
    String[2] pair;
    byte[4] raw;
    Point[2] ends;
}
