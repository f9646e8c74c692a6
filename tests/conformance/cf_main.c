/* SPDX-License-Identifier: Apache-2.0 */
/*
 * avbuffer-conformance [OPTIONS] [SERVICE] [CASE-PATTERN...]
 *
 * Runs the AV Buffer HAL conformance cases against a live service and prints
 * one line per case (PASS, FAIL or SKIP with the reason) and a closing
 * "N passed, N failed, N skipped". Exits 1 when any case fails, 2 on usage
 * errors.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <avbuffer/servicemanager.h>

#include "avb_config.h"
#include "cf.h"

static const cf_case *const tables[] = {
    cf_cases_pools,  cf_cases_methods,  cf_cases_buffers, cf_cases_listener,
    cf_cases_secure, cf_cases_pipeline, cf_cases_clients, cf_cases_directory,
    cf_cases_copier, cf_cases_staging,  cf_cases_death,
};

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: avbuffer-conformance [OPTIONS] [SERVICE] [CASE-PATTERN...]\n"
                "Checks an AV Buffer service (IAVBuffer) against the HAL specification.\n"
                "\n"
                "  SERVICE             service name at the service manager (default AVBuffer);\n"
                "                      a word without '.' or glob characters that names no case\n"
                "  CASE-PATTERN        case names or fnmatch globs ('HAL.AVBUF.*'); default all\n"
                "  --service NAME      same as SERVICE\n"
                "  --endpoint EP       talk to ipc://PATH[#N] directly, no service manager\n"
                "  --profile FILE      the avbufferd profile the service runs with: sizes are\n"
                "                      then checked exactly against it\n"
                "  --fresh             the service has had no client before this run\n"
                "  --same-build        the service is this build (debug API as configured)\n"
                "  --time-scale N      multiply every timeout by N (valgrind)\n"
                "  --list              list the cases and exit\n"
                "  -v, --verbose       print notes while running\n"
                "  --wait-service MS   wait until the service is registered, exit 0 or 1\n"
                "\n"
                "AVB_SOCKET_DIR selects the socket directory. AVB_CONFORMANCE_CONTROL_FD is\n"
                "set by the test harness for the server-death cases.\n");
}

static bool is_case_pattern(const char *arg)
{
        size_t t;
        const cf_case *k;

        if (strpbrk(arg, ".*?["))
                return true;
        for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
                for (k = tables[t]; k->name; k++)
                        if (!strcmp(k->name, arg))
                                return true;
        return false;
}

static bool selected(const char *name, char **pats, int n_pats)
{
        int i;

        if (n_pats == 0)
                return true;
        for (i = 0; i < n_pats; i++)
                if (!fnmatch(pats[i], name, 0))
                        return true;
        return false;
}

static int wait_service(const cf_opts *o, int ms)
{
        avb_binder *sm = NULL, *b = NULL;
        int64_t deadline;
        int e;

        if (o->endpoint)
                return avb_binder_connect(o->endpoint, 0, &b) < 0 ? 1 : (avb_binder_unref(b), 0);
        /* The service manager itself may still be starting. */
        deadline = avb_now_ms() + ms;
        for (;;) {
                e = avb_sm_connect(&sm);
                if (e >= 0) {
                        e = avb_service_get(sm, o->service, ms, &b);
                        sm = avb_binder_unref(sm);
                        if (e >= 0)
                                break;
                }
                if (avb_now_ms() > deadline) {
                        fprintf(stderr, "avbuffer-conformance: %s is not registered: %s\n",
                                o->service, strerror(-e));
                        return 1;
                }
                cf_sleep_ms(50);
        }
        avb_binder_unref(b);
        return 0;
}

static int run_case(cf_ctx *c, const cf_case *k)
{
        int r;

        fflush(stdout);
        r = setjmp(c->jb);
        if (r == 0) {
                cf_case_begin(c);
                k->fn(c);
        }
        cf_case_cleanup(c);
        if (r == 0)
                printf("PASS %s\n", k->name);
        else if (r == 2)
                printf("SKIP %s: %s\n", k->name, c->msg);
        else
                printf("FAIL %s: %s\n", k->name, c->msg);
        fflush(stdout);
        return r;
}

int main(int argc, char **argv)
{
        static const struct option lopts[] = {
            {"service", required_argument, NULL, 's'},
            {"endpoint", required_argument, NULL, 'e'},
            {"profile", required_argument, NULL, 'p'},
            {"fresh", no_argument, NULL, 'f'},
            {"same-build", no_argument, NULL, 'b'},
            {"time-scale", required_argument, NULL, 't'},
            {"list", no_argument, NULL, 'l'},
            {"verbose", no_argument, NULL, 'v'},
            {"wait-service", required_argument, NULL, 'w'},
            {"child", no_argument, NULL, 'c'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        static cf_opts o;
        static cf_profile prof;
        static cf_ctx ctx;
        char **pats = NULL, err[512];
        int opt, n_pats = 0, wait_ms = -1, passed = 0, failed = 0, skipped = 0, e, i;
        bool list = false, child = false, same_build = false;
        const char *env;
        ssize_t len;
        size_t t;

        o.service = "AVBuffer";
        o.time_scale = 1;
        o.control_fd = -1;
        while (!child && (opt = getopt_long(argc, argv, "+vh", lopts, NULL)) != -1) {
                switch (opt) {
                case 's':
                        o.service = optarg;
                        break;
                case 'e':
                        o.endpoint = optarg;
                        break;
                case 'p':
                        o.profile_path = optarg;
                        break;
                case 'f':
                        o.fresh = true;
                        break;
                case 'b':
                        same_build = true;
                        break;
                case 't':
                        o.time_scale = atoi(optarg);
                        if (o.time_scale < 1 || o.time_scale > 100) {
                                fprintf(stderr, "avbuffer-conformance: bad --time-scale\n");
                                return 2;
                        }
                        break;
                case 'l':
                        list = true;
                        break;
                case 'v':
                        o.verbose = true;
                        break;
                case 'w':
                        wait_ms = atoi(optarg);
                        break;
                case 'c':
                        child = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        (void)same_build;
        len = readlink("/proc/self/exe", o.self_exe, sizeof(o.self_exe) - 1);
        if (len <= 0) {
                fprintf(stderr, "avbuffer-conformance: /proc/self/exe: %s\n", strerror(errno));
                return 2;
        }
        o.self_exe[len] = 0;
        env = getenv("AVB_CONFORMANCE_CONTROL_FD");
        if (env && *env)
                o.control_fd = atoi(env);
        if (o.profile_path) {
                e = cf_profile_load(o.profile_path, &prof, err, sizeof(err));
                if (e < 0) {
                        fprintf(stderr, "avbuffer-conformance: %s\n", err);
                        return 2;
                }
        }
        signal(SIGPIPE, SIG_IGN);

        if (child)
                return cf_child_main(&o, &prof, argc - optind, argv + optind);
        if (wait_ms >= 0)
                return wait_service(&o, wait_ms);

        for (i = optind; i < argc; i++) {
                if (!is_case_pattern(argv[i]) && o.service && !strcmp(o.service, "AVBuffer") &&
                    n_pats == 0 && i == optind) {
                        o.service = argv[i];
                        continue;
                }
                pats = realloc(pats, (size_t)(n_pats + 1) * sizeof(*pats));
                if (!pats)
                        return 2;
                pats[n_pats++] = argv[i];
        }
        if (list) {
                for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
                        for (const cf_case *k = tables[t]; k->name; k++)
                                if (selected(k->name, pats, n_pats))
                                        printf("%-64s %s\n", k->name, k->what);
                free(pats);
                return 0;
        }

        ctx.o = &o;
        ctx.p = &prof;
        ctx.align = prof.loaded ? prof.alignment : 64;
        ctx.same_build = same_build;
        ctx.debug_api_built = AVB_DEBUG_API;
        e = cf_connect_object(&o, CF_OBJECT_MAIN, &ctx.avb);
        if (e < 0) {
                fprintf(stderr, "avbuffer-conformance: cannot reach %s: %s\n",
                        o.endpoint ? o.endpoint : o.service, strerror(-e));
                printf("0 passed, 1 failed, 0 skipped\n");
                free(pats);
                return 1;
        }
        for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
                for (const cf_case *k = tables[t]; k->name; k++) {
                        if (!selected(k->name, pats, n_pats))
                                continue;
                        switch (run_case(&ctx, k)) {
                        case 0:
                                passed++;
                                break;
                        case 2:
                                skipped++;
                                break;
                        default:
                                failed++;
                                break;
                        }
                }
        if (passed + failed + skipped == 0 && n_pats) {
                fprintf(stderr, "avbuffer-conformance: no case matches\n");
                free(pats);
                return 2;
        }
        printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
        avb_helper_free(ctx.helper);
        avb_binder_unref(ctx.avb);
        free(pats);
        return failed ? 1 : 0;
}
