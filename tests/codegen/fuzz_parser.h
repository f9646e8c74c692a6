/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_TEST_FUZZ_PARSER_H
#define AIDLC_TEST_FUZZ_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one input did. */
typedef enum fuzz_outcome {
        FUZZ_PARSE_ERROR,   /* rejected by the lexer or parser */
        FUZZ_COMPILE_ERROR, /* parsed, rejected by the resolver or validator */
        FUZZ_COMPILED,      /* compiled; its dump read back compatible with itself */
} fuzz_outcome;

/*
 * Runs one input through the whole front end: the parser, the API check of
 * the input against itself (as a dump), then the compiler
 * (under root r, at the path its package and first type name give, with the
 * library files to import), and for a program that compiles the dump, the
 * interface hashes and the API check of the dump against itself. Aborts when
 * an invariant breaks.
 */
fuzz_outcome aidl_fuzz_one(const uint8_t *data, size_t size);

/* Adds a file that inputs can import: path relative to the root ("a/P.aidl");
 * both strings must stay valid. A few are built in. */
/* Adds an importable file; false (and nothing kept) when the library is full. */
bool aidl_fuzz_add_library(const char *path, const char *text);

#endif
