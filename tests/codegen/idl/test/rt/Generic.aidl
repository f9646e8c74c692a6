package test.rt;

import test.common.Level;
import test.common.Point;
import test.common.Tagged;

/** Uses of a generic parcelable from another package. */
parcelable Generic {
    Tagged<Level, byte> level;
    Tagged<Point, Mode>[] points;
    @nullable Tagged<long, Samples> maybe;
}
