package test.rt;

import test.rt.Value;

/** What the server calls back. */
oneway interface ICallback {
    /** A value arrived. */
    void onValue(in Value v, int seq);
    void onDone();
}
