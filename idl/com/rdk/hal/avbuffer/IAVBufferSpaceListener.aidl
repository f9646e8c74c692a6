package com.rdk.hal.avbuffer;

/**
 * Told when a pool has room again. Passed when a pool is created; it must
 * stay alive until destroyPool() for that pool has returned.
 */
@VintfStability
oneway interface IAVBufferSpaceListener {
    /**
     * An allocation of the size asked for in notifyWhenSpaceAvailable() now
     * fits. Sent once per accepted request.
     */
    void onSpaceAvailable();
}
