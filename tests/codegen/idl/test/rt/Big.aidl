package test.rt;

/** A long-backed enum. */
@Backing(type="long")
enum Big {
    SMALL = 1,
    HUGE = 0x7fffffffffffffffL,
    NEG = -9223372036854775807L - 1,
}
