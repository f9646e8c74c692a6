/* SPDX-License-Identifier: Apache-2.0 */
/* Constant evaluation (see consteval.h). */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consteval.h"
#include "map.h"

typedef struct cval {
        aidl_value v;
        bool is_long; /* INT: 64-bit arithmetic */
} cval;

typedef struct evaluator {
        struct aidl_arena *a;
        aidl_diags *d;
        aidl_map *done; /* decl pointer -> EVAL_OK / EVAL_FAILED */
        aidl_decl *stack[AIDL_EVAL_MAX_DEPTH];
        int depth;
        int nest; /* eval() calls in progress, across references */
} evaluator;

static char eval_ok, eval_failed;

static bool fail(evaluator *ev, const aidl_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(evaluator *ev, const aidl_loc *loc, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        char *msg = NULL;
        if (vasprintf(&msg, fmt, ap) >= 0) {
                aidl_error(ev->d, loc, "%s", msg);
                free(msg);
        }
        va_end(ap);
        return false;
}

static const char *kind_name(aidl_value_kind k)
{
        switch (k) {
        case AIDL_VAL_INT:
                return "integer";
        case AIDL_VAL_FLOAT:
                return "floating-point";
        case AIDL_VAL_BOOL:
                return "boolean";
        case AIDL_VAL_CHAR:
                return "char";
        case AIDL_VAL_STRING:
                return "string";
        case AIDL_VAL_ARRAY:
                return "array";
        case AIDL_VAL_NONE:
                break;
        }
        return "invalid";
}

static bool fits32(int64_t v)
{
        return v >= INT32_MIN && v <= INT32_MAX;
}

static bool is_hex_literal(const aidl_expr *e)
{
        return e->kind == AIDL_EXPR_INT && e->text && e->text[0] == '0' &&
               (e->text[1] == 'x' || e->text[1] == 'X');
}

static cval int_val(int64_t i, bool is_long)
{
        return (cval){.v = {.kind = AIDL_VAL_INT, .i = i}, .is_long = is_long};
}

static cval bool_val(bool b)
{
        return (cval){.v = {.kind = AIDL_VAL_BOOL, .i = b}};
}

static bool eval_decl(evaluator *ev, aidl_decl *d);
static bool eval(evaluator *ev, aidl_expr *e, cval *out);

static bool eval_literal(evaluator *ev, aidl_expr *e, cval *out)
{
        uint64_t u = (uint64_t)e->ival;
        if (e->is_long) {
                if (!is_hex_literal(e) && u > INT64_MAX)
                        return fail(ev, &e->loc, "integer literal %s out of range", e->text);
                *out = int_val((int64_t)u, true);
        } else if (is_hex_literal(e)) {
                *out = u <= UINT32_MAX ? int_val((int32_t)(uint32_t)u, false)
                                       : int_val((int64_t)u, true);
        } else {
                if (u > INT64_MAX)
                        return fail(ev, &e->loc, "integer literal %s out of range", e->text);
                *out = int_val((int64_t)u, u > INT32_MAX);
        }
        return true;
}

static bool eval_name(evaluator *ev, aidl_expr *e, cval *out)
{
        aidl_decl *d = e->resolved;
        if (!d || !eval_decl(ev, d))
                return false;
        if (d->kind == AIDL_DECL_ENUMERATOR) {
                *out = int_val(d->enum_value, d->parent->backing == AIDL_LONG);
                return true;
        }
        out->v = d->value->value;
        out->is_long = d->type && d->type->kind == AIDL_TYPE_PRIM && d->type->prim == AIDL_LONG;
        return out->v.kind != AIDL_VAL_NONE;
}

/* char takes part in arithmetic as int */
static void promote(cval *c)
{
        if (c->v.kind == AIDL_VAL_CHAR)
                c->v.kind = AIDL_VAL_INT;
}

static bool is_num(const cval *c)
{
        return c->v.kind == AIDL_VAL_INT || c->v.kind == AIDL_VAL_FLOAT;
}

static double as_double(const cval *c)
{
        return c->v.kind == AIDL_VAL_FLOAT ? c->v.f : (double)c->v.i;
}

static bool eval_unary(evaluator *ev, aidl_expr *e, cval *out)
{
        const aidl_expr *x = e->a;
        if (e->op == AIDL_OP_NEG && x->kind == AIDL_EXPR_INT && !is_hex_literal(x) &&
            (uint64_t)x->ival == (uint64_t)INT64_MAX + 1) {
                *out = int_val(INT64_MIN, true); /* -9223372036854775808 */
                return true;
        }
        if (!eval(ev, e->a, out))
                return false;
        promote(out);
        if (e->op == AIDL_OP_LNOT) {
                if (out->v.kind != AIDL_VAL_BOOL)
                        return fail(ev, &e->loc, "operator '!' needs a boolean, not %s",
                                    kind_name(out->v.kind));
                out->v.i = !out->v.i;
                return true;
        }
        if (out->v.kind == AIDL_VAL_FLOAT && e->op != AIDL_OP_NOT) {
                if (e->op == AIDL_OP_NEG)
                        out->v.f = -out->v.f;
                return true;
        }
        if (out->v.kind != AIDL_VAL_INT)
                return fail(ev, &e->loc, "unary operator needs a number, not %s",
                            kind_name(out->v.kind));
        if (e->op == AIDL_OP_NOT) {
                out->v.i = ~out->v.i;
        } else if (e->op == AIDL_OP_NEG) {
                if (out->v.i == INT64_MIN || (!out->is_long && out->v.i == INT32_MIN))
                        return fail(ev, &e->loc, "overflow in constant expression");
                out->v.i = -out->v.i;
        }
        return true;
}

static bool eval_shift(evaluator *ev, aidl_expr *e, const cval *x, const cval *y, cval *out)
{
        int bits = x->is_long ? 64 : 32;
        if (y->v.i < 0 || y->v.i >= bits)
                return fail(ev, &e->loc, "shift count %" PRId64 " out of range for %s", y->v.i,
                            x->is_long ? "long" : "int");
        *out = int_val(0, x->is_long);
        if (e->op == AIDL_OP_SHR)
                out->v.i = x->v.i >> y->v.i; /* arithmetic, as in Java */
        else if (x->is_long)
                out->v.i = (int64_t)((uint64_t)x->v.i << y->v.i);
        else
                out->v.i = (int32_t)((uint32_t)x->v.i << y->v.i);
        return true;
}

static bool eval_int_binary(evaluator *ev, aidl_expr *e, const cval *x, const cval *y, cval *out)
{
        int64_t a = x->v.i, b = y->v.i, r = 0;
        bool is_long = x->is_long || y->is_long, overflow = false;
        switch (e->op) {
        case AIDL_OP_ADD:
                overflow = __builtin_add_overflow(a, b, &r);
                break;
        case AIDL_OP_SUB:
                overflow = __builtin_sub_overflow(a, b, &r);
                break;
        case AIDL_OP_MUL:
                overflow = __builtin_mul_overflow(a, b, &r);
                break;
        case AIDL_OP_DIV:
        case AIDL_OP_MOD:
                if (b == 0)
                        return fail(ev, &e->loc, "division by zero");
                if (a == INT64_MIN && b == -1)
                        overflow = true;
                else
                        r = e->op == AIDL_OP_DIV ? a / b : a % b;
                break;
        case AIDL_OP_AND:
                r = a & b;
                break;
        case AIDL_OP_OR:
                r = a | b;
                break;
        case AIDL_OP_XOR:
                r = a ^ b;
                break;
        case AIDL_OP_SHL:
        case AIDL_OP_SHR:
                return eval_shift(ev, e, x, y, out);
        default:
                return fail(ev, &e->loc, "invalid operator");
        }
        if (overflow || (!is_long && !fits32(r)))
                return fail(ev, &e->loc, "overflow in constant expression");
        *out = int_val(r, is_long);
        return true;
}

static bool eval_compare(evaluator *ev, aidl_expr *e, const cval *x, const cval *y, cval *out)
{
        int c;
        if (is_num(x) && is_num(y)) {
                double a = as_double(x), b = as_double(y);
                if (x->v.kind == AIDL_VAL_INT && y->v.kind == AIDL_VAL_INT)
                        c = (x->v.i > y->v.i) - (x->v.i < y->v.i);
                else
                        c = (a > b) - (a < b);
        } else if (x->v.kind == AIDL_VAL_STRING && y->v.kind == AIDL_VAL_STRING) {
                c = strcmp(x->v.s, y->v.s);
        } else if (x->v.kind == AIDL_VAL_BOOL && y->v.kind == AIDL_VAL_BOOL &&
                   (e->op == AIDL_OP_EQ || e->op == AIDL_OP_NE)) {
                c = (int)(x->v.i - y->v.i);
        } else {
                return fail(ev, &e->loc, "cannot compare %s and %s", kind_name(x->v.kind),
                            kind_name(y->v.kind));
        }
        switch (e->op) {
        case AIDL_OP_EQ:
                *out = bool_val(c == 0);
                break;
        case AIDL_OP_NE:
                *out = bool_val(c != 0);
                break;
        case AIDL_OP_LT:
                *out = bool_val(c < 0);
                break;
        case AIDL_OP_LE:
                *out = bool_val(c <= 0);
                break;
        case AIDL_OP_GT:
                *out = bool_val(c > 0);
                break;
        default:
                *out = bool_val(c >= 0);
                break;
        }
        return true;
}

static bool eval_binary(evaluator *ev, aidl_expr *e, cval *out)
{
        cval x, y;
        if (!eval(ev, e->a, &x) || !eval(ev, e->b, &y))
                return false;
        promote(&x);
        promote(&y);
        switch (e->op) {
        case AIDL_OP_LAND:
        case AIDL_OP_LOR:
                if (x.v.kind != AIDL_VAL_BOOL || y.v.kind != AIDL_VAL_BOOL)
                        return fail(ev, &e->loc, "logical operator needs booleans, not %s and %s",
                                    kind_name(x.v.kind), kind_name(y.v.kind));
                *out = bool_val(e->op == AIDL_OP_LAND ? x.v.i && y.v.i : x.v.i || y.v.i);
                return true;
        case AIDL_OP_EQ:
        case AIDL_OP_NE:
        case AIDL_OP_LT:
        case AIDL_OP_LE:
        case AIDL_OP_GT:
        case AIDL_OP_GE:
                return eval_compare(ev, e, &x, &y, out);
        default:
                break;
        }
        if (e->op == AIDL_OP_ADD && (x.v.kind == AIDL_VAL_STRING || y.v.kind == AIDL_VAL_STRING)) {
                if (x.v.kind != y.v.kind)
                        return fail(ev, &e->loc, "cannot add %s and %s", kind_name(x.v.kind),
                                    kind_name(y.v.kind));
                *out = (cval){.v = {.kind = AIDL_VAL_STRING,
                                    .s = aidl_arena_printf(ev->a, "%s%s", x.v.s, y.v.s)}};
                return true;
        }
        bool bitwise = e->op == AIDL_OP_AND || e->op == AIDL_OP_OR || e->op == AIDL_OP_XOR;
        if (bitwise && x.v.kind == AIDL_VAL_BOOL && y.v.kind == AIDL_VAL_BOOL) {
                *out = bool_val(e->op == AIDL_OP_AND  ? x.v.i & y.v.i
                                : e->op == AIDL_OP_OR ? x.v.i | y.v.i
                                                      : x.v.i ^ y.v.i);
                return true;
        }
        if (!is_num(&x) || !is_num(&y))
                return fail(ev, &e->loc, "arithmetic needs numbers, not %s and %s",
                            kind_name(x.v.kind), kind_name(y.v.kind));
        if (x.v.kind == AIDL_VAL_INT && y.v.kind == AIDL_VAL_INT)
                return eval_int_binary(ev, e, &x, &y, out);
        double a = as_double(&x), b = as_double(&y), r;
        switch (e->op) {
        case AIDL_OP_ADD:
                r = a + b;
                break;
        case AIDL_OP_SUB:
                r = a - b;
                break;
        case AIDL_OP_MUL:
                r = a * b;
                break;
        case AIDL_OP_DIV:
                if (b == 0)
                        return fail(ev, &e->loc, "division by zero");
                r = a / b;
                break;
        default:
                return fail(ev, &e->loc, "operator needs integers, not floating-point values");
        }
        if (r != r || r > DBL_MAX || r < -DBL_MAX)
                return fail(ev, &e->loc, "overflow in constant expression");
        *out = (cval){.v = {.kind = AIDL_VAL_FLOAT, .f = r}};
        return true;
}

static bool eval_expr(evaluator *ev, aidl_expr *e, cval *out);

static bool eval(evaluator *ev, aidl_expr *e, cval *out)
{
        memset(out, 0, sizeof(*out));
        if (ev->nest >= AIDL_EVAL_MAX_NEST)
                return fail(ev, &e->loc, "constant expression too complex");
        ev->nest++;
        bool ok = eval_expr(ev, e, out);
        ev->nest--;
        return ok;
}

static bool eval_expr(evaluator *ev, aidl_expr *e, cval *out)
{
        bool ok = true;
        switch (e->kind) {
        case AIDL_EXPR_INT:
                ok = eval_literal(ev, e, out);
                break;
        case AIDL_EXPR_FLOAT:
                out->v = (aidl_value){.kind = AIDL_VAL_FLOAT, .f = e->fval};
                break;
        case AIDL_EXPR_BOOL:
                *out = bool_val(e->ival != 0);
                break;
        case AIDL_EXPR_CHAR:
                out->v = (aidl_value){.kind = AIDL_VAL_CHAR, .i = e->ival};
                break;
        case AIDL_EXPR_STRING:
                out->v = (aidl_value){.kind = AIDL_VAL_STRING, .s = e->text};
                break;
        case AIDL_EXPR_NAME:
                ok = eval_name(ev, e, out);
                break;
        case AIDL_EXPR_UNARY:
                ok = eval_unary(ev, e, out);
                break;
        case AIDL_EXPR_BINARY:
                ok = eval_binary(ev, e, out);
                break;
        case AIDL_EXPR_TERNARY: {
                cval c, t, f;
                if (!eval(ev, e->a, &c) || !eval(ev, e->b, &t) || !eval(ev, e->c, &f))
                        return false;
                if (c.v.kind != AIDL_VAL_BOOL)
                        return fail(ev, &e->a->loc, "condition must be a boolean, not %s",
                                    kind_name(c.v.kind));
                *out = c.v.i ? t : f;
                break;
        }
        case AIDL_EXPR_ARRAY: {
                size_t n = 0;
                for (aidl_expr *i = e->a; i; i = i->next)
                        n++;
                out->v.kind = AIDL_VAL_ARRAY;
                out->v.n_items = n;
                out->v.items = aidl_arena_alloc(ev->a, (n ? n : 1) * sizeof(aidl_value));
                n = 0;
                for (aidl_expr *i = e->a; i; i = i->next) {
                        cval item;
                        if (!eval(ev, i, &item))
                                return false;
                        out->v.items[n++] = item.v;
                }
                break;
        }
        }
        if (ok)
                e->value = out->v;
        return ok;
}

/* ---- conversion to the declared type ---- */

static bool check_int_range(evaluator *ev, const aidl_expr *e, aidl_value *v, aidl_prim prim)
{
        int64_t lo = prim == AIDL_BYTE ? INT8_MIN : prim == AIDL_INT ? INT32_MIN : INT64_MIN;
        int64_t hi = prim == AIDL_BYTE ? INT8_MAX : prim == AIDL_INT ? INT32_MAX : INT64_MAX;
        if (prim == AIDL_BYTE && is_hex_literal(e) && v->i >= 0x80 && v->i <= 0xff)
                v->i -= 0x100; /* 0xff is byte -1 */
        if (v->i < lo || v->i > hi)
                return fail(ev, &e->loc, "value %" PRId64 " out of range for %s", v->i,
                            aidl_prim_name(prim));
        return true;
}

static bool mismatch(evaluator *ev, const aidl_type *t, const aidl_expr *e, const aidl_value *v)
{
        return fail(ev, &e->loc, "cannot use a %s value as %s", kind_name(v->kind),
                    aidl_type_to_string(ev->a, t));
}

/* Checks v (computed from e) against type t and converts it in place. */
static bool convert(evaluator *ev, const aidl_type *t, const aidl_expr *e, aidl_value *v)
{
        if (t->kind == AIDL_TYPE_ARRAY || t->kind == AIDL_TYPE_LIST) {
                if (v->kind != AIDL_VAL_ARRAY || e->kind != AIDL_EXPR_ARRAY)
                        return mismatch(ev, t, e, v);
                if (t->size && t->fixed_size >= 0 && v->n_items != (size_t)t->fixed_size)
                        return fail(ev, &e->loc,
                                    "the default value has %zu elements, the array has %d",
                                    v->n_items, (int)t->fixed_size);
                size_t i = 0;
                for (const aidl_expr *item = e->a; item; item = item->next, i++)
                        if (!convert(ev, t->elem, item, &v->items[i]))
                                return false;
                return true;
        }
        if (t->kind == AIDL_TYPE_NAMED) {
                const aidl_decl *en = t->resolved;
                if (!en)
                        return false;
                if (en->kind != AIDL_DECL_ENUM)
                        return fail(ev, &e->loc, "type '%s' cannot have a default value", t->name);
                if (e->kind != AIDL_EXPR_NAME || !e->resolved || e->resolved->parent != en ||
                    e->resolved->kind != AIDL_DECL_ENUMERATOR)
                        return fail(ev, &e->loc,
                                    "the value of enum type '%s' must be one of its enumerators",
                                    t->name);
                return true;
        }
        switch (t->prim) {
        case AIDL_BOOLEAN:
                return v->kind == AIDL_VAL_BOOL || mismatch(ev, t, e, v);
        case AIDL_CHAR:
                return v->kind == AIDL_VAL_CHAR || mismatch(ev, t, e, v);
        case AIDL_STRING:
                return v->kind == AIDL_VAL_STRING || mismatch(ev, t, e, v);
        case AIDL_BYTE:
        case AIDL_INT:
        case AIDL_LONG:
                if (v->kind == AIDL_VAL_CHAR && t->prim != AIDL_BYTE)
                        v->kind = AIDL_VAL_INT;
                if (v->kind != AIDL_VAL_INT)
                        return mismatch(ev, t, e, v);
                return check_int_range(ev, e, v, t->prim);
        case AIDL_FLOAT:
        case AIDL_DOUBLE:
                if (v->kind == AIDL_VAL_INT) {
                        v->f = (double)v->i;
                        v->kind = AIDL_VAL_FLOAT;
                }
                if (v->kind != AIDL_VAL_FLOAT)
                        return mismatch(ev, t, e, v);
                if (t->prim == AIDL_FLOAT && (v->f > FLT_MAX || v->f < -FLT_MAX))
                        return fail(ev, &e->loc, "value out of range for float");
                return true;
        case AIDL_VOID:
                break;
        }
        return mismatch(ev, t, e, v);
}

/* ---- declarations ---- */

static bool eval_enumerator(evaluator *ev, aidl_decl *d)
{
        aidl_prim backing = d->parent->backing;
        aidl_value v = {.kind = AIDL_VAL_INT};
        const aidl_expr *at = d->value;
        if (d->value) {
                cval c;
                if (!eval(ev, d->value, &c))
                        return false;
                v = c.v;
                if (v.kind == AIDL_VAL_CHAR)
                        v.kind = AIDL_VAL_INT;
                if (v.kind != AIDL_VAL_INT)
                        return fail(ev, &d->value->loc,
                                    "enumerator '%s' must have an integer value, not %s", d->name,
                                    kind_name(v.kind));
        } else if (d->index > 0) {
                aidl_decl *prev = d->parent->members;
                while (prev && prev->next != d)
                        prev = prev->next;
                if (!prev || !eval_decl(ev, prev))
                        return false;
                if (prev->enum_value == INT64_MAX)
                        return fail(ev, &d->loc, "enumerator '%s' overflows", d->name);
                v.i = prev->enum_value + 1;
        }
        if (at) {
                if (!check_int_range(ev, at, &v, backing))
                        return false;
        } else {
                aidl_expr implicit = {.kind = AIDL_EXPR_NAME, .loc = d->loc};
                if (!check_int_range(ev, &implicit, &v, backing))
                        return false;
        }
        d->enum_value = v.i;
        if (d->value)
                d->value->value = v;
        return true;
}

static bool eval_decl(evaluator *ev, aidl_decl *d)
{
        void *state = aidl_map_get(ev->done, &d, sizeof(d));
        if (state)
                return state == &eval_ok;
        for (int i = 0; i < ev->depth; i++)
                if (ev->stack[i] == d)
                        return fail(ev, &d->loc, "circular reference in the value of '%s'",
                                    d->name);
        if (ev->depth == AIDL_EVAL_MAX_DEPTH)
                return fail(ev, &d->loc, "constant references nested too deeply");
        ev->stack[ev->depth++] = d;
        bool ok;
        if (d->kind == AIDL_DECL_ENUMERATOR) {
                ok = eval_enumerator(ev, d);
        } else {
                cval c;
                ok = d->value && d->type && eval(ev, d->value, &c) &&
                     convert(ev, d->type, d->value, &c.v);
                if (ok)
                        d->value->value = c.v;
        }
        ev->depth--;
        aidl_map_put(ev->done, &d, sizeof(d), ok ? &eval_ok : &eval_failed);
        return ok;
}

/* Sets fixed_size of every fixed-size array level of t (T[N][M]). */
static bool eval_type_sizes(evaluator *ev, aidl_type *t)
{
        bool ok = true;
        for (; t; t = t->elem) {
                cval c;
                if (t->kind != AIDL_TYPE_ARRAY || !t->size)
                        continue;
                if (!eval(ev, t->size, &c)) {
                        ok = false;
                } else if (c.v.kind != AIDL_VAL_INT || c.is_long) {
                        ok = fail(ev, &t->size->loc,
                                  "the size of a fixed-size array must be a constant int, not %s",
                                  c.is_long ? "long" : kind_name(c.v.kind));
                } else if (c.v.i < 0) {
                        ok = fail(ev, &t->size->loc,
                                  "the size of a fixed-size array must not be negative (%" PRId64
                                  ")",
                                  c.v.i);
                } else {
                        t->fixed_size = (int32_t)c.v.i;
                }
        }
        return ok;
}

static void eval_decls(evaluator *ev, aidl_decl *list)
{
        for (aidl_decl *d = list; d && !aidl_diags_full(ev->d); d = d->next) {
                if (d->kind == AIDL_DECL_METHOD) {
                        eval_type_sizes(ev, d->ret);
                        for (aidl_arg *g = d->args; g; g = g->next)
                                eval_type_sizes(ev, g->type);
                } else if ((d->kind == AIDL_DECL_FIELD || d->kind == AIDL_DECL_CONST) &&
                           !eval_type_sizes(ev, d->type)) {
                        continue;
                }
                if (aidl_decl_is_type(d))
                        eval_decls(ev, d->members);
                else if (d->kind == AIDL_DECL_ENUMERATOR ||
                         ((d->kind == AIDL_DECL_CONST || d->kind == AIDL_DECL_FIELD) && d->value))
                        eval_decl(ev, d);
        }
}

int aidl_eval_constants(aidl_program *p, aidl_diags *d)
{
        evaluator ev = {.a = p->arena, .d = d};
        size_t errors = aidl_diags_errors(d);
        ev.done = aidl_map_new(p->arena);
        for (aidl_file *f = p->files; f; f = f->next)
                eval_decls(&ev, f->types);
        return aidl_diags_errors(d) > errors ? -EINVAL : 0;
}

/* ---- printing ---- */

static void put_escaped(FILE *f, uint32_t c, char quote)
{
        if (c == (uint32_t)quote || c == '\\')
                fprintf(f, "\\%c", (char)c);
        else if (c == '\n')
                fputs("\\n", f);
        else if (c == '\t')
                fputs("\\t", f);
        else if (c == '\r')
                fputs("\\r", f);
        else if (c < 0x20 || c == 0x7f || (quote == '\'' && c >= 0x80))
                fprintf(f, "\\u%04x", (unsigned)c);
        else
                fputc((int)c, f);
}

static void print_value(FILE *f, const aidl_value *v, bool is_long)
{
        switch (v->kind) {
        case AIDL_VAL_INT:
                fprintf(f, "%" PRId64 "%s", v->i, is_long ? "L" : "");
                break;
        case AIDL_VAL_FLOAT: {
                char buf[64];
                snprintf(buf, sizeof(buf), "%.17g", v->f);
                fprintf(f, "%s%s", buf, strpbrk(buf, ".e") ? "" : ".0");
                break;
        }
        case AIDL_VAL_BOOL:
                fputs(v->i ? "true" : "false", f);
                break;
        case AIDL_VAL_CHAR:
                fputc('\'', f);
                put_escaped(f, (uint32_t)v->i, '\'');
                fputc('\'', f);
                break;
        case AIDL_VAL_STRING:
                fputc('"', f);
                for (const unsigned char *s = (const unsigned char *)v->s; *s; s++)
                        put_escaped(f, *s, '"');
                fputc('"', f);
                break;
        case AIDL_VAL_ARRAY:
                fputc('{', f);
                for (size_t i = 0; i < v->n_items; i++) {
                        fputs(i ? ", " : "", f);
                        print_value(f, &v->items[i], is_long);
                }
                fputc('}', f);
                break;
        case AIDL_VAL_NONE:
                fputs("?", f);
                break;
        }
}

char *aidl_value_to_string(struct aidl_arena *a, const aidl_value *v, bool is_long)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return aidl_arena_strdup(a, "?");
        print_value(f, v, is_long);
        fclose(f);
        char *r = aidl_arena_strdup(a, buf);
        free(buf);
        return r;
}
