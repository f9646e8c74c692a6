package test.rt;

/** An int-backed enum. */
@Backing(type="int")
enum Mode {
    /** Off. */
    OFF,
    ON = 5,
    AUTO = ON + 2,
}
