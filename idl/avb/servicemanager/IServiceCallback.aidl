package avb.servicemanager;

/** Told when a service it asked about is registered. */
oneway interface IServiceCallback {
    /** `name` is now served at `endpoint`. */
    void onRegistration(in String name, in String endpoint);
}
