/* SPDX-License-Identifier: Apache-2.0 */
/*
 * servicemanager: where services register by name and clients find them.
 *
 *   servicemanager [--socket-dir DIR] [--transport nanomsg|unix] [--policy FILE]
 *                  [--log-level LEVEL] [--syslog]
 *
 * It serves at ipc://DIR/servicemanager (unix://DIR/servicemanager with the
 * unix transport: --transport, else $AVB_TRANSPORT); DIR is --socket-dir,
 * else $AVB_SOCKET_DIR, else the configured default. Clients find it either
 * way (avb_endpoint_lookup). Registrations follow the policy FILE
 * (config/service_contexts describes the format); without --policy,
 * SYSCONFDIR/avbuffer/service_contexts when it exists, else only the service
 * manager's own uid may register. SIGTERM and SIGINT stop it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "avb_config.h"
#include "registry.h"

#define DEFAULT_POLICY AVB_SYSCONFDIR "/avbuffer/service_contexts"

static avb_server *the_server;

static void on_signal(int sig)
{
        (void)sig;
        if (the_server)
                avb_server_close(the_server);
}

static void client_gone(void *userdata, const avb_peer *peer)
{
        avb_registry_client_gone(userdata, peer);
}

static void usage(FILE *f)
{
        fprintf(
            f,
            "Usage: servicemanager [--socket-dir DIR] [--transport nanomsg|unix] [--policy FILE]\n"
            "                      [--log-level LEVEL] [--syslog]\n"
            "Serves the avbuffer service manager at ipc://DIR/%s (or unix://).\n"
            "--policy: who may register which name (default %s; without it only\n"
            "this process's uid may register).\n",
            avb_servicemanager_IServiceManager_SOCKET_NAME, DEFAULT_POLICY);
}

/* The --policy file, else the default one, else the own-uid rule. */
static int load_policy(const char *path, avb_sm_policy **ret)
{
        char err[512];
        int e = avb_sm_policy_load(path ? path : DEFAULT_POLICY, ret, err, sizeof(err));

        if (e == -ENOENT && !path) {
                avb_log(AVB_LOG_WARNING,
                        "no registration policy at %s: only uid %u may register services",
                        DEFAULT_POLICY, (unsigned)geteuid());
                return avb_sm_policy_only_uid(geteuid(), ret);
        }
        if (e < 0)
                avb_log(AVB_LOG_ERROR, "registration policy: %s", err);
        else
                avb_log(AVB_LOG_INFO, "registration policy: %s", path ? path : DEFAULT_POLICY);
        return e;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"socket-dir", required_argument, NULL, 'd'},
            {"policy", required_argument, NULL, 'p'},
            {"transport", required_argument, NULL, 't'},
            {"log-level", required_argument, NULL, 'l'},
            {"syslog", no_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},
            {"version", no_argument, NULL, 'V'},
            {0},
        };
        avb_server_options so = {0};
        avb_registry *registry = NULL;
        avb_sm_policy *policy = NULL;
        avb_binder *binder = NULL;
        const char *policy_path = NULL;
        char *endpoint = NULL;
        const char *transport = NULL;
        bool is_unix;
        int c, e, level, rc = 1;

        while ((c = getopt_long(argc, argv, "d:t:p:l:shV", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        if (setenv("AVB_SOCKET_DIR", optarg, 1) < 0)
                                return 1;
                        break;
                case 'p':
                        policy_path = optarg;
                        break;
                case 't':
                        if (avb_transport_parse(optarg, &is_unix) < 0) {
                                fprintf(stderr, "servicemanager: unknown transport '%s'\n", optarg);
                                return 2;
                        }
                        transport = optarg;
                        break;
                case 'l':
                        level = avb_log_level_from_string(optarg);
                        if (level < 0) {
                                fprintf(stderr, "servicemanager: unknown log level '%s'\n", optarg);
                                return 2;
                        }
                        avb_log_set_level(level);
                        break;
                case 's':
                        avb_log_use_syslog("servicemanager");
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                case 'V':
                        printf("servicemanager %s\n", AVB_VERSION);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }

        e = avb_endpoint_for_transport(transport, avb_servicemanager_IServiceManager_SOCKET_NAME,
                                       &endpoint);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "socket directory '%s': %s", avb_socket_dir(), strerror(-e));
                return 1;
        }
        if (load_policy(policy_path, &policy) < 0)
                goto out;
        e = avb_registry_new(policy, avb_socket_dir(), &registry, &binder);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot start: %s", strerror(-e));
                goto out;
        }
        so.endpoint = endpoint;
        so.client_gone = client_gone;
        so.userdata = registry;
        e = avb_server_new(&so, &the_server);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot serve at %s: %s", endpoint, strerror(-e));
                goto out;
        }
        avb_registry_set_server(registry, the_server);
        e = avb_server_add(the_server, binder, NULL);
        if (e < 0) {
                avb_log(AVB_LOG_ERROR, "cannot publish the service manager: %s", strerror(-e));
                goto out;
        }

        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
        signal(SIGPIPE, SIG_IGN);
        avb_log(AVB_LOG_INFO, "serving at %s", endpoint);
        e = avb_server_run(the_server);
        rc = e < 0 ? 1 : 0;
out:
        the_server = avb_server_free(the_server);
        avb_binder_unref(binder);
        avb_registry_free(registry);
        avb_sm_policy_free(policy);
        free(endpoint);
        return rc;
}
