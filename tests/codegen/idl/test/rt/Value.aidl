package test.rt;

import test.common.Point;
import test.rt.Mode;

/** A union of every kind of member. */
union Value {
    int number = 42;
    String text;
    long[] longs;
    List<String> words;
    Point point;
    Mode mode;
    byte[] blob;
    boolean flag;
}
