package avb.servicemanager;

/** One registered service. */
parcelable ServiceInfo {
    String name;
    /** Where the service is served: "ipc:///run/avbuffer/AVBuffer". */
    String endpoint;
    /** Process id of the process that registered it. */
    int pid;
}
