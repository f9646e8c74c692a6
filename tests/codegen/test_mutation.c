/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bounded mutation fuzzing of the front end, run by `meson test`: seeded
 * mutations (byte flips, byte sets, deletions, truncations, splices of
 * chunks from other seeds, duplications) of the idl/ files, the emitters'
 * test IDL and the negative cases, plus pathological nesting. Every run must end (a watchdog aborts
 * a run that takes over 10 s) without a crash or a broken invariant (fuzz_parser.c). AIDL_MUTATIONS
 * and AIDL_MUTATION_SEED override the defaults (20,000 and a fixed seed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fe_util.h"
#include "fuzz_parser.h"

#define MAX_SEEDS        256
#define WATCHDOG_SECONDS 10

typedef struct seed {
        char *data;
        size_t len;
} seed;

static seed seeds[MAX_SEEDS];
static size_t n_seeds;
static uint64_t rng_state;

static uint64_t rng(void)
{
        /* xorshift64* */
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 2685821657736338717ull;
}

static size_t below(size_t n)
{
        return n ? (size_t)(rng() % n) : 0;
}

static void add_seed(char *data, size_t len)
{
        if (n_seeds < MAX_SEEDS)
                seeds[n_seeds++] = (seed){data, len};
        else
                free(data);
}

static const char *collect_root = "";

static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)ftw;
        size_t n = strlen(path), len;
        if (flag == FTW_F && n > 5 && strcmp(path + n - 5, ".aidl") == 0) {
                char *data = fe_read_file(path, &len);
                add_seed(data, len);
                /* files under an import root can be imported by the inputs */
                if (strncmp(path, collect_root, strlen(collect_root)) == 0 &&
                    path[strlen(collect_root)] == '/') {
                        char *lib_path = strdup(path + strlen(collect_root) + 1);
                        if (!lib_path || !aidl_fuzz_add_library(lib_path, data))
                                free(lib_path);
                }
        }
        return 0;
}

static char *repeat(const char *prefix, const char *unit, size_t n, const char *suffix, size_t *len)
{
        size_t ul = strlen(unit), pl = strlen(prefix), sl = strlen(suffix);
        char *s = malloc(pl + ul * n + sl + 1);
        if (!s)
                abort();
        memcpy(s, prefix, pl);
        for (size_t i = 0; i < n; i++)
                memcpy(s + pl + i * ul, unit, ul);
        memcpy(s + pl + ul * n, suffix, sl + 1);
        *len = pl + ul * n + sl;
        return s;
}

static const char *const tokens[] = {
    "(",
    ")",
    "{",
    "}",
    "<",
    ">",
    ">>",
    "[",
    "]",
    ";",
    ",",
    ".",
    "=",
    "@",
    "\"",
    "'",
    "/*",
    "*/",
    "//",
    "/**",
    "\n",
    "\0",
    "\xff",
    "\xc3\xa9",
    "0x",
    "L",
    "-",
    "~",
    "!",
    "?",
    ":",
    "<<",
    "1",
    "9999999999999999999999",
    "interface ",
    "parcelable ",
    "enum ",
    "union ",
    "oneway ",
    "const ",
    "in ",
    "out ",
    "inout ",
    "import a.P;",
    "package a;",
    "List<",
    "int ",
    "String ",
    "void ",
    "@nullable ",
    "@Backing(type=\"long\") ",
    "T ",
    "P ",
    "E.A",
    "b.I.K",
    "a.P",
    "{}",
    "()",
    "1 / 0",
    "1 << 99",
};

/* One mutated copy of a seed (malloc'ed). */
static char *mutate(size_t *len)
{
        const seed *s = &seeds[below(n_seeds)];
        size_t cap = s->len * 2 + 4096, n = s->len;
        char *b = malloc(cap);
        if (!b)
                abort();
        memcpy(b, s->data, n);
        int rounds = below(4) == 0 ? 1 + (int)below(8) : 1;
        for (int r = 0; r < rounds; r++) {
                size_t at = below(n + 1);
                switch (below(7)) {
                case 0: /* flip a bit */
                        if (n)
                                b[below(n)] ^= (char)(1u << below(8));
                        break;
                case 1: { /* insert a token */
                        const char *t = tokens[below(sizeof(tokens) / sizeof(tokens[0]))];
                        size_t tl = strlen(t) ? strlen(t) : 1;
                        if (n + tl < cap) {
                                memmove(b + at + tl, b + at, n - at);
                                memcpy(b + at, t, tl);
                                n += tl;
                        }
                        break;
                }
                case 2: { /* delete a range */
                        size_t k = below(n - at + 1);
                        if (k > 64)
                                k = below(64);
                        memmove(b + at, b + at + k, n - at - k);
                        n -= k;
                        break;
                }
                case 3: /* truncate */
                        n = at;
                        break;
                case 4: { /* splice a chunk of another seed */
                        const seed *o = &seeds[below(n_seeds)];
                        size_t from = below(o->len), k = below(o->len - from + 1);
                        if (k > 256)
                                k = below(256);
                        if (n + k < cap) {
                                memmove(b + at + k, b + at, n - at);
                                memcpy(b + at, o->data + from, k);
                                n += k;
                        }
                        break;
                }
                case 5: { /* duplicate a chunk in place */
                        size_t k = below(n - at + 1);
                        if (k > 256)
                                k = 256;
                        if (n + k < cap) {
                                memmove(b + at + k, b + at, n - at);
                                n += k;
                        }
                        break;
                }
                default: /* set a byte */
                        if (n)
                                b[below(n)] = (char)rng();
                        break;
                }
        }
        *len = n;
        return b;
}

static void on_alarm(int sig)
{
        (void)sig;
        static const char msg[] = "test_mutation: a run did not end in time\n";
        if (write(2, msg, sizeof(msg) - 1) < 0) {
                /* nothing more to do */
        }
        abort();
}

static unsigned long counts[3];

static void run(const char *data, size_t len)
{
        alarm(WATCHDOG_SECONDS);
        counts[aidl_fuzz_one((const uint8_t *)data, len)]++;
        alarm(0);
}

static int setup(void **state)
{
        (void)state;
        static const char *const roots[] = {
            AIDL_SOURCE_ROOT "/idl",
            AIDL_SOURCE_ROOT "/tests/codegen/idl", /* the emitters' test IDL, if there */
            AIDL_NEGATIVE_DIR,
        };
        for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
                collect_root = roots[i];
                nftw(roots[i], collect, 16, 0);
        }
        signal(SIGALRM, on_alarm);
        return n_seeds >= 40 ? 0 : -1;
}

static void test_seeds(void **state)
{
        (void)state;
        for (size_t i = 0; i < n_seeds; i++)
                run(seeds[i].data, seeds[i].len);
        /* the idl/ files compile, so some seeds must */
        assert_true(counts[FUZZ_COMPILED] >= 10);
}

static void test_deep_nesting(void **state)
{
        (void)state;
        static const struct {
                const char *prefix, *unit, *suffix;
        } shapes[] = {
            {"package a; interface T { const int K = ", "(", "1; }"},
            {"package a; interface T { const int K = ", "{", "}; }"},
            {"package a; interface T { const int K = ", "-", "1; }"},
            {"package a; interface T { const int K = 1", "+1", "; }"},
            {"package a; interface T { const int K = 1", " ? 1 : 1", "; }"},
            {"package a; ", "parcelable T {", ""},
            {"package a; ", "interface T { ", "}"},
            {"package a; interface T { void f(in ", "List<", "int> x); }"},
            {"package a; parcelable T { int", "[]", " x; }"},
            {"package a; ", "@A(", ")"},
            {"", "/**/", "package a; parcelable T {}"},
            {"package a; parcelable T { String s = ", "\"a\" + ", "\"b\"; }"},
            {"package a; ", "import a.P;", "parcelable T {}"},
            {"package a; enum T { ", "A, ", "}"},
        };
        for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
                size_t len;
                char *s = repeat(shapes[i].prefix, shapes[i].unit, 10000, shapes[i].suffix, &len);
                run(s, len);
                free(s);
        }
}

static void test_mutations(void **state)
{
        (void)state;
        const char *env = getenv("AIDL_MUTATIONS");
        unsigned long n = env ? strtoul(env, NULL, 10) : 20000;
        env = getenv("AIDL_MUTATION_SEED");
        rng_state = env ? strtoull(env, NULL, 0) : 0x5eed5eed12345678ull;
        if (!rng_state)
                rng_state = 1;
        unsigned long before[3] = {counts[0], counts[1], counts[2]};
        time_t start = time(NULL);
        for (unsigned long i = 0; i < n; i++) {
                size_t len;
                char *m = mutate(&len);
                run(m, len);
                free(m);
        }
        printf("mutations: %lu in %lds: %lu parse errors, %lu compile errors, %lu compiled\n", n,
               (long)(time(NULL) - start), counts[0] - before[0], counts[1] - before[1],
               counts[2] - before[2]);
        /* the mutations must reach past the parser, or they test little */
        assert_true(n < 1000 || counts[1] - before[1] > n / 50);
        assert_true(n < 1000 || counts[2] - before[2] > n / 100);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_seeds),
            cmocka_unit_test(test_deep_nesting),
            cmocka_unit_test(test_mutations),
        };
        return cmocka_run_group_tests(tests, setup, NULL);
}
