package avb.servicemanager;

import avb.servicemanager.IServiceCallback;
import avb.servicemanager.ServiceInfo;

/**
 * Finds services by name. A service is removed when the process that
 * registered it goes away.
 */
interface IServiceManager {
    /** The service manager's own socket name in the socket directory. */
    const String SOCKET_NAME = "servicemanager";

    /** Service-specific error: the name is already registered by a live process. */
    const int ERROR_ALREADY_REGISTERED = 1;
    /** Service-specific error: the name or endpoint is not acceptable. */
    const int ERROR_BAD_NAME = 2;

    /** Registers `name` as served at `endpoint` by the calling process. */
    void addService(in String name, in String endpoint);

    /** The endpoint of `name`, or null when it is not registered. Never waits. */
    @nullable String checkService(in String name);

    /** Same as checkService(): kept for callers written against binder. */
    @nullable String getService(in String name);

    /**
     * The endpoint of `name`, waiting up to timeoutMs for it to be
     * registered; null when it was not registered in time. The caller's
     * deadline must be longer than timeoutMs.
     */
    @nullable String waitForService(in String name, in int timeoutMs);

    /** Every registered service, sorted by name. */
    ServiceInfo[] listServices();

    /** Calls back once `name` is registered (at once if it already is). */
    void registerForNotifications(in String name, in IServiceCallback callback);
}
