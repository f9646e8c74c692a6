/* SPDX-License-Identifier: Apache-2.0 */
/* The lexer: tables of inputs and the tokens or errors they give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lexer.h"

/* Lexes text (len bytes) into a compact description: one word per token,
 * "I:name" "N:value[L|x]" "F:value" "S:text" "C:code" "P:punct" "E" (error). */
static void describe(const char *text, size_t len, char *out, size_t cap, aidl_diags *d)
{
        struct aidl_arena *a = aidl_arena_new();
        aidl_lexer lx;
        aidl_lexer_init(&lx, a, d, "t.aidl", text, len);
        size_t o = 0;
        out[0] = '\0';
        for (int guard = 0; guard < 1000; guard++) {
                aidl_token t;
                int r = aidl_lexer_next(&lx, &t);
                assert_int_equal(r < 0, t.kind == AIDL_TOK_ERROR);
                char w[128];
                switch (t.kind) {
                case AIDL_TOK_EOF:
                        w[0] = '\0';
                        break;
                case AIDL_TOK_ERROR:
                        snprintf(w, sizeof(w), "E");
                        break;
                case AIDL_TOK_IDENT:
                        snprintf(w, sizeof(w), "I:%s", t.str);
                        break;
                case AIDL_TOK_INT:
                        snprintf(w, sizeof(w), "N:%llu%s%s", (unsigned long long)t.ival,
                                 t.is_long ? "L" : "", t.is_hex ? "x" : "");
                        break;
                case AIDL_TOK_FLOAT:
                        snprintf(w, sizeof(w), "F:%g", t.fval);
                        break;
                case AIDL_TOK_STRING:
                        snprintf(w, sizeof(w), "S:%s", t.str);
                        break;
                case AIDL_TOK_CHAR:
                        snprintf(w, sizeof(w), "C:%llu", (unsigned long long)t.ival);
                        break;
                case AIDL_TOK_PUNCT:
                        if (t.punct < 256)
                                snprintf(w, sizeof(w), "P:%c", t.punct);
                        else
                                snprintf(w, sizeof(w), "P:%.*s", (int)t.len, t.start);
                        break;
                }
                if (t.kind == AIDL_TOK_EOF)
                        break;
                o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? " " : "", w);
                if (t.kind == AIDL_TOK_ERROR && lx.pos >= lx.len)
                        break;
        }
        aidl_arena_free(a);
}

static const struct {
        const char *in;
        const char *tokens;
} good[] = {
    {"", ""},
    {"  \t\r\n", ""},
    {"package a.b_c;", "I:package I:a P:. I:b_c P:;"},
    {"interface IFoo{}", "I:interface I:IFoo P:{ P:}"},
    {"0 42 0x1F 0XffL 9223372036854775807 18446744073709551615 7l",
     "N:0 N:42 N:31x N:255Lx N:9223372036854775807 N:18446744073709551615 N:7L"},
    {"1.5 2.5f 1e3 3.0E-2 4.0d", "F:1.5 F:2.5 F:1000 F:0.03 F:4"},
    {"\"a b\" \"\\n\\t\\\\\\\"\" \"\\u00e9\" \"\"", "S:a b S:\n\t\\\" S:\xc3\xa9 S:"},
    {"'a' '\\'' '\\n' '\\u1234'", "C:97 C:39 C:10 C:4660"},
    {"<< >> <= >= == != && || < > = ! ~ ? : @ [ ] ( ) , + - * / % & | ^",
     "P:<< P:>> P:<= P:>= P:== P:!= P:&& P:|| P:< P:> P:= P:! P:~ P:? P:: P:@ P:[ P:] "
     "P:( P:) P:, P:+ P:- P:* P:/ P:% P:& P:| P:^"},
    {"a // comment\nb /* block\n */ c /**/ d", "I:a I:b I:c I:d"},
    {"List<List<int>>", "I:List P:< I:List P:< I:int P:>>"},
    {"\"caf\xc3\xa9\"", "S:caf\xc3\xa9"},
    {"x//", "I:x"},
};

static void test_tokens(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                char out[1024];
                aidl_diags *d = aidl_diags_new();
                describe(good[i].in, strlen(good[i].in), out, sizeof(out), d);
                if (strcmp(out, good[i].tokens) != 0 || aidl_diags_count(d) != 0) {
                        fprintf(stderr, "case %zu: got '%s'\n", i, out);
                        aidl_diags_print(d, stderr);
                }
                assert_string_equal(out, good[i].tokens);
                assert_int_equal(aidl_diags_count(d), 0);
                aidl_diags_free(d);
        }
}

static const struct {
        const char *in;
        size_t len; /* 0: strlen */
        int line, col;
        const char *message;
} bad[] = {
    {"a /* never closed", 0, 1, 3, "unterminated comment"},
    {"\n  \"abc", 0, 2, 3, "unterminated string literal"},
    {"\"ab\ncd\"", 0, 1, 1, "unterminated string literal"},
    {"'ab'", 0, 1, 1, "invalid character literal"},
    {"''", 0, 1, 1, "invalid character literal"},
    {"'a", 0, 1, 1, "unterminated character literal"},
    {"\"\\q\"", 0, 1, 2, "invalid escape sequence"},
    {"\"\\u12\"", 0, 1, 2, "invalid escape sequence"},
    {"x # y", 0, 1, 3, "unexpected character '#'"},
    {"a\0b", 3, 1, 2, "unexpected character 0x00"},
    {"\"a\0b\"", 5, 1, 1, "NUL byte in literal"},
    {"int \xc3\xa9t\xc3\xa9;", 0, 1, 5, "unexpected character 0xc3"},
    {"18446744073709551616", 0, 1, 1, "integer literal too large"},
    {"0x1ffffffffffffffff", 0, 1, 1, "integer literal too large"},
    {"0x", 0, 1, 1, "invalid hexadecimal literal"},
    {"12abc", 0, 1, 1, "invalid number"},
    {"1.5.3", 0, 1, 1, "invalid number"},
    {"1e999", 0, 1, 1, "floating-point literal out of range"},
    {"$", 0, 1, 1, "unexpected character '$'"},
    {"`", 0, 1, 1, "unexpected character '`'"},
};

static void test_errors(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char out[1024];
                aidl_diags *d = aidl_diags_new();
                size_t len = bad[i].len ? bad[i].len : strlen(bad[i].in);
                describe(bad[i].in, len, out, sizeof(out), d);
                const aidl_diag *g = aidl_diags_get(d, 0);
                if (!g || g->loc.line != bad[i].line || g->loc.col != bad[i].col ||
                    !strstr(g->message, bad[i].message)) {
                        fprintf(stderr, "case %zu: tokens '%s'\n", i, out);
                        aidl_diags_print(d, stderr);
                        fail();
                }
                assert_non_null(strstr(out, "E"));
                aidl_diags_free(d);
        }
}

static void test_doc_comments(void **state)
{
        (void)state;
        static const struct {
                const char *in;
                const char *doc; /* of the token "x" */
        } cases[] = {
            {"/** One line. */ x", "One line."},
            {"/**\n * First.\n *\n * Third, `code`.\n */\nx", "First.\n\nThird, `code`."},
            {"/** a */ /* plain */ // line\n x", "a"},
            {"/** old */ /** new */ x", "new"},
            {"/* plain */ x", NULL},
            {"/**/ x", NULL},
            {"/***/ x", NULL},
            {"/**\n   no stars\n     indented\n*/ x", "no stars\nindented"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct aidl_arena *a = aidl_arena_new();
                aidl_diags *d = aidl_diags_new();
                aidl_lexer lx;
                aidl_token t;
                aidl_lexer_init(&lx, a, d, "t.aidl", cases[i].in, strlen(cases[i].in));
                assert_int_equal(aidl_lexer_next(&lx, &t), 0);
                assert_true(aidl_tok_is_word(&t, "x"));
                if (cases[i].doc)
                        assert_string_equal(t.doc, cases[i].doc);
                else
                        assert_null(t.doc);
                assert_int_equal(aidl_lexer_next(&lx, &t), 0);
                assert_int_equal(t.kind, AIDL_TOK_EOF);
                assert_null(t.doc);
                aidl_diags_free(d);
                aidl_arena_free(a);
        }
}

static void test_locations(void **state)
{
        (void)state;
        const char *text = "package a;\n\tinterface  I\r\n{\n}";
        const int expect[][2] = {{1, 1}, {1, 9}, {1, 10}, {2, 2}, {2, 13}, {3, 1}, {4, 1}, {4, 2}};
        struct aidl_arena *a = aidl_arena_new();
        aidl_diags *d = aidl_diags_new();
        aidl_lexer lx;
        aidl_lexer_init(&lx, a, d, "t.aidl", text, strlen(text));
        for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
                aidl_token t;
                aidl_lexer_next(&lx, &t);
                assert_int_equal(t.loc.line, expect[i][0]);
                assert_int_equal(t.loc.col, expect[i][1]);
                assert_string_equal(t.loc.file, "t.aidl");
        }
        aidl_diags_free(d);
        aidl_arena_free(a);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_tokens),
            cmocka_unit_test(test_errors),
            cmocka_unit_test(test_doc_comments),
            cmocka_unit_test(test_locations),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
