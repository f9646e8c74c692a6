package test.rt;

import test.common.Point;

/** Fixed-size arrays as union members: inline arrays in the C union. */
union FixedOr {
    long plain;
    int[3] three;
    String[2] pair;
    byte[4] raw;
    Point[2] ends;
}
