package test.rt;

import android.hardware.common.fmq.MQDescriptor;
import android.hardware.common.fmq.SynchronizedReadWrite;
import test.common.Point;
import test.rt.Everything;
import test.rt.Extendable;
import test.rt.Fds;
import test.rt.Fixed;
import test.rt.ICallback;
import test.rt.Mode;
import test.rt.Value;
import test.rt.VintfExtendable;

/** The interface the round-trip test serves. */
interface ITester {
    /** A service-specific error. */
    const int ERROR_BAD = 7;

    /** Returns what it was given. */
    Everything echo(in Everything e);
    boolean echoBool(boolean v);
    byte echoByte(byte v);
    char echoChar(char v);
    int echoInt(int v);
    long echoLong(long v);
    float echoFloat(float v);
    double echoDouble(double v);
    String echoString(String v);
    @nullable String echoNullable(@nullable String v);
    Mode echoMode(Mode v);
    Value echoValue(in Value v);
    int[] echoInts(in int[] v);
    @nullable byte[] echoBytes(in @nullable byte[] v);
    List<String> echoStrings(in List<String> v);
    Point[] echoPoints(in Point[] v);
    @nullable Point echoMaybePoint(in @nullable Point p);

    /**
     * out and inout arguments: sums = {a + each b}; b doubled; words reversed;
     * p = (a, -a); the label of inner gets "!" appended. Returns a.
     */
    int directions(int a, out int[] sums, inout int[] b, inout String[] words, out Point p,
            inout Everything.Inner inner);

    /** Fails with ERROR_BAD and a message. */
    void fail(int code, String message);
    /**
     * Sleeps, for deadlines. The clock is the one of time/*.h; a C comment
     * in a doc comment (/* like this) must not end or nest the generated one.
     */
    void sleepMs(int ms);
    /** How many times count() ran (deduplication shows as exactly one per call). */
    int count();

    /** Calls back `n` times with onValue, then onDone. */
    void subscribe(ICallback cb, int n);
    oneway void poke(int v);
    int lastPoke();
    /** Returns the binder it was given. */
    @nullable ICallback echoBinder(@nullable ICallback cb);
    /** Exits the server process. */
    oneway void quit();
    /** Returns what it was given (fixed-size arrays). */
    Fixed echoFixed(in Fixed f);
    /**
     * Fixed-size arrays as arguments and return value: returns the column sums
     * of grid's first two columns; reversed = words in reverse order; each
     * point of pts gets x + 1.
     */
    int[2] fixedArgs(in int[2][3] grid, in String[2] words, out String[2] reversed,
            inout Point[2] pts);
    /** Returns what it was given, id + 1 (ParcelableHolder: the extension passes through). */
    Extendable echoExtendable(in Extendable e);
    VintfExtendable echoVintfExtendable(in VintfExtendable e);

    /*
     * ParcelFileDescriptors. An `in` fd is borrowed for the call; a returned
     * one belongs to the caller.
     */
    /** Returns a duplicate of fd. */
    ParcelFileDescriptor echoFd(in ParcelFileDescriptor fd);
    /** Returns a duplicate of fd, or null for null. */
    @nullable ParcelFileDescriptor echoMaybeFd(in @nullable ParcelFileDescriptor fd);
    /** Returns duplicates of fds, in reverse order. */
    ParcelFileDescriptor[] reverseFds(in ParcelFileDescriptor[] fds);
    /** Returns what it was given (duplicates), label with "!" appended. */
    Fds echoFds(in Fds f);
    /** Writes text to fd (a pipe's write end, a memfd). */
    void writeTo(in ParcelFileDescriptor fd, String text);
    /** The read end of a new pipe holding text (its write end closed). */
    ParcelFileDescriptor makePipe(String text);
    /** How many fds the server process has open. */
    int fdCount();
    /** Returns a non-null -1 (refused on the way out: a bad reply for the caller). */
    ParcelFileDescriptor badFd();
    /* IBinder: an untyped binder, given back as it came. */
    @nullable IBinder echoAnyBinder(@nullable IBinder b);
    /* A queue of ints the server creates and fills with 0 .. n-1. */
    MQDescriptor<int, SynchronizedReadWrite> makeQueue(int n);
    /**
     * @nullable fixed-size arrays as argument, out and return value: returns
     * a (null stays null); twice = each element doubled, or null when a is.
     */
    @nullable int[2] nullableFixed(in @nullable int[2] a, out @nullable int[2] twice);
}
