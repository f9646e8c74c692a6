package test.rt;

import test.common.Level;
import test.common.Point;
import test.rt.Big;
import test.rt.ICallback;
import test.rt.Mode;
import test.rt.Value;

/**
 * A parcelable with one field of every kind.
 * Second line of the doc.
 */
parcelable Everything {
    const int ANSWER = 6 * 7;
    const long BIG = 1L << 40;
    const String GREETING = "hi \"there\"\n";
    const boolean YES = 3 > 2;
    const float HALF = 0.5f;
    const double THIRD = 1.0 / 3;
    const char LETTER = 'A';
    const byte SMALL = -128;
    const int MASK = ~0x0f & 0xff | 0x100;
    const int PICK = ANSWER > 40 ? 1 : 2;

    /** Nested parcelable. */
    parcelable Inner {
        String label = "inner";
        @nullable String note;
    }
    /** Nested enum. */
    enum Kind { A, B = 10 }

    boolean b = true;
    byte y = -5;
    char c = 'z';
    int i = ANSWER;
    long l = 1234567890123L;
    float f = 1.5f;
    double d = -2.25;
    String s = "default";
    @nullable String ns;
    Mode mode = Mode.ON;
    Level level = Level.HIGH;
    Big big = Big.HUGE;
    Kind kind = Kind.B;
    Inner inner;
    @nullable Inner maybeInner;
    Point point;
    Value value;
    boolean[] bools;
    byte[] bytes;
    char[] chars;
    int[] ints = {1, 2, 3};
    long[] longs;
    float[] floats;
    double[] doubles;
    String[] strings = {"a", "b"};
    List<String> stringList;
    @nullable int[] maybeInts;
    @nullable byte[] maybeBytes;
    Point[] points;
    List<Inner> inners;
    Mode[] modes;
    Level[] levels;
    ICallback callback;
    @nullable ICallback maybeCallback;
    ICallback[] callbacks;
    /** Names that clash with C and protobuf-c. */
    int base;
    int n_ints;
    int int_;
}
