/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C conversion emitter: code fragments that convert one value between
 * its C form and its protobuf-c form, free either, and the start of every
 * generated .c file. Used for parcelable fields by P_types.c and for
 * arguments by the stubs and skeletons.
 */
#include "c_convert.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- conversion code ---------------------------------------------------- */

/* "X" of a parcelable/union, whose functions are X_init, X__to_pb_new, ... */
static const char *cg_type_c(struct aidl_arena *a, const aidl_type *t)
{
        return cn_type_c_name(a, cn_elem(t)->resolved);
}

static void cg_nomem_if_null(cw *w, const char *expr)
{
        cw_open(w, "if (%s == NULL) {", expr);
        cw_line(w, "_rc = -ENOMEM;");
        cw_line(w, "goto fail;");
        cw_close(w, "}");
}

static void cg_check_rc(cw *w)
{
        cw_line(w, "if (_rc < 0)");
        cw_indent(w);
        cw_line(w, "goto fail;");
        cw_dedent(w);
}

/* Scalar kinds whose C array has the layout of the protobuf-c repeated field. */
static bool cg_same_layout(const aidl_type *t)
{
        switch (cn_kind_of(t)) {
        case CN_INT:
        case CN_LONG:
        case CN_FLOAT:
        case CN_DOUBLE:
                return true;
        case CN_ENUM:
                return cn_enum_backing(t) != AIDL_BYTE;
        default:
                return false;
        }
}

static const char *cg_pb_scalar_type(const aidl_type *t)
{
        switch (cn_kind_of(t)) {
        case CN_BOOL:
                return "protobuf_c_boolean";
        case CN_LONG:
                return "int64_t";
        case CN_FLOAT:
                return "float";
        case CN_DOUBLE:
                return "double";
        case CN_ENUM:
                return cn_enum_backing(t) == AIDL_LONG ? "int64_t" : "int32_t";
        default:
                return "int32_t";
        }
}

static const char *cg_fds(const cn_value *v)
{
        return v->fds ? v->fds : "fds";
}

/* Encodes one element/value `c` into the lvalue `pbv` (a scalar, char * or pointer). */
static void cg_encode_one(cw *w, struct aidl_arena *a, const cn_value *v, const char *c,
                          const char *pbv, bool borrowed_ptr)
{
        const aidl_type *t = v->f->type;
        switch (cn_kind_of(t)) {
        case CN_STRING:
                cw_line(w, "%s = (char *)(%s ? %s : \"\");", pbv, c, c);
                break;
        case CN_PARCELABLE:
                cw_line(w, "_rc = %s__to_pb_new(%s%s, %s, &%s);", cg_type_c(a, t),
                        borrowed_ptr ? "" : "&", c, cg_fds(v), pbv);
                cg_check_rc(w);
                break;
        case CN_INTERFACE:
                cw_line(w, "_rc = %s__binder_to_pb(%s, &%s);", v->pkg_c, c, pbv);
                cg_check_rc(w);
                break;
        case CN_HOLDER:
                cw_line(w, "_rc = avb_parcelable_holder_to_pb(&%s, &%s);", c, pbv);
                cg_check_rc(w);
                break;
        case CN_PFD:
                cw_line(w, "_rc = avb_fd_list_add(%s, %s, %s, &%s);", cg_fds(v), c,
                        v->f->nullable ? "true" : "false", pbv);
                cg_check_rc(w);
                break;
        default:
                cw_line(w, "%s = %s;", pbv, c);
                break;
        }
}

static void cg_set_case(cw *w, const cn_value *v)
{
        if (v->f->oneof)
                cw_line(w, "%s->%s = %s;", v->pb, v->f->case_member, v->f->case_const);
}

/*
 * A fixed-size array: inline in C (behind a pointer when @nullable), exactly
 * N elements on the wire; in a wrapper message when nullable or a union member.
 */
static void cg_encode_fixed(cw *w, struct aidl_arena *a, const cn_value *v, const char *m)
{
        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        const char *c = f->nullable ? aidl_arena_printf(a, "(*%s)", v->c) : v->c;
        const char *flat = cn_fixed_flat(a, t, c);
        size_t n = cn_fixed_count(t);
        const char *tp = v->pb, *tm = f->pbc;
        bool open = f->nullable && !f->in_union;
        cn_kind k = cn_kind_of(t);

        if (open)
                cw_open(w, "if (%s != NULL) {", v->c);
        cg_set_case(w, v);
        if (f->wrapped) {
                cw_line(w, "%s = malloc(sizeof(*%s));", m, m);
                cg_nomem_if_null(w, m);
                cw_line(w, "%s__init(%s);", f->wrapper.lower, m);
                tp = m;
                tm = "items";
        }
        const char *arr = aidl_arena_printf(a, "%s->%s", tp, tm);
        if (cn_is_bytes(t)) {
                cw_line(w, "%s.len = %zu;", m, n);
                cw_line(w, "%s.data = (uint8_t *)%s;", m, flat);
        } else if (cg_same_layout(t)) {
                cw_line(w, "%s->n_%s = %zu;", tp, tm, n);
                cw_line(w, "%s = (%s *)%s;", arr, cg_pb_scalar_type(t), flat);
        } else {
                if (k == CN_PARCELABLE || k == CN_INTERFACE)
                        cw_line(w, "%s = calloc(%zu, sizeof(*%s));", arr, n ? n : 1, arr);
                else
                        cw_line(w, "%s = malloc(%zu * sizeof(*%s));", arr, n ? n : 1, arr);
                cg_nomem_if_null(w, arr);
                cw_line(w, "%s->n_%s = %zu;", tp, tm, n);
                if (n > 0) {
                        cw_open(w, "for (size_t _i = 0; _i < %zu; _i++) {", n);
                        cg_encode_one(w, a, v, aidl_arena_printf(a, "%s[_i]", flat),
                                      aidl_arena_printf(a, "%s[_i]", arr), false);
                        cw_close(w, "}");
                }
        }
        if (open)
                cw_close(w, "}");
}

void cg_encode(cw *w, struct aidl_arena *a, const cn_value *v)
{
        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        const char *m = aidl_arena_printf(a, "%s->%s", v->pb, f->pbc);
        cn_kind k = cn_kind_of(t);

        if (cn_is_fixed(t)) {
                cg_encode_fixed(w, a, v, m);
                return;
        }
        if (!cn_is_array(t)) {
                bool ptr = k == CN_PARCELABLE && f->nullable;
                if (f->nullable && (k == CN_STRING || k == CN_PARCELABLE) && !f->in_union) {
                        cw_open(w, "if (%s != NULL) {", v->c);
                        cg_set_case(w, v);
                        if (k == CN_STRING)
                                cw_line(w, "%s = (char *)%s;", m, v->c);
                        else
                                cg_encode_one(w, a, v, v->c, m, true);
                        cw_close(w, "}");
                        return;
                }
                cg_set_case(w, v);
                if (ptr && f->in_union) {
                        /* a null member travels as an empty message */
                        cw_open(w, "if (%s != NULL) {", v->c);
                        cg_encode_one(w, a, v, v->c, m, true);
                        cw_dedent(w);
                        cw_open(w, "} else {");
                        cw_line(w, "_rc = %s__to_pb_new(NULL, %s, &%s);", cg_type_c(a, t),
                                cg_fds(v), m);
                        cg_check_rc(w);
                        cw_close(w, "}");
                        return;
                }
                cg_encode_one(w, a, v, v->c, m, ptr);
                return;
        }
        if (cn_is_bytes(t)) {
                if (f->nullable && !f->in_union)
                        cw_open(w, "if (%s != NULL) {", v->c);
                cg_set_case(w, v);
                cw_line(w, "%s.len = %s ? %s : 0;", m, v->c, v->count);
                cw_line(w, "%s.data = (uint8_t *)%s;", m, v->c);
                if (f->nullable && !f->in_union)
                        cw_close(w, "}");
                return;
        }
        /* repeated, maybe in a wrapper message */
        const char *tp = v->pb, *tm = f->pbc;
        bool open = false;
        if (f->wrapped) {
                if (f->nullable && !f->in_union) {
                        cw_open(w, "if (%s != NULL) {", v->c);
                        open = true;
                }
                cg_set_case(w, v);
                cw_line(w, "%s = malloc(sizeof(*%s));", m, m);
                cg_nomem_if_null(w, m);
                cw_line(w, "%s__init(%s);", f->wrapper.lower, m);
                tp = m;
                tm = "items";
        }
        const char *arr = aidl_arena_printf(a, "%s->%s", tp, tm);
        if (cg_same_layout(t)) {
                cw_line(w, "%s->n_%s = %s ? %s : 0;", tp, tm, v->c, v->count);
                cw_line(w, "%s = (%s *)%s;", arr, cg_pb_scalar_type(t), v->c);
        } else {
                cw_open(w, "if (%s != NULL && %s > 0) {", v->c, v->count);
                if (k == CN_PARCELABLE || k == CN_INTERFACE)
                        cw_line(w, "%s = calloc(%s, sizeof(*%s));", arr, v->count, arr);
                else
                        cw_line(w, "%s = malloc(%s * sizeof(*%s));", arr, v->count, arr);
                cg_nomem_if_null(w, arr);
                cw_line(w, "%s->n_%s = %s;", tp, tm, v->count);
                cw_open(w, "for (size_t _i = 0; _i < %s; _i++) {", v->count);
                cg_encode_one(w, a, v, aidl_arena_printf(a, "%s[_i]", v->c),
                              aidl_arena_printf(a, "%s[_i]", arr), false);
                cw_close(w, "}");
                cw_close(w, "}");
        }
        if (open)
                cw_close(w, "}");
}

void cg_release(cw *w, struct aidl_arena *a, const cn_value *v)
{
        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        const char *m = aidl_arena_printf(a, "%s->%s", v->pb, f->pbc);
        cn_kind k = cn_kind_of(t);
        bool guard = f->in_union;

        if (cn_is_bytes(t) ||
            (!cn_is_array(t) && k != CN_PARCELABLE && k != CN_INTERFACE && k != CN_HOLDER))
                return;
        if (cn_is_array(t) && !f->wrapped && cg_same_layout(t))
                return;
        if (guard)
                cw_open(w, "if (%s->%s == %s) {", v->pb, f->case_member, f->case_const);
        if (!cn_is_array(t)) {
                if (k == CN_PARCELABLE)
                        cw_line(w, "%s__pb_free(%s);", cg_type_c(a, t), m);
                else if (k == CN_HOLDER)
                        cw_line(w, "avb_parcelable_holder_pb_free(%s);", m);
                else
                        cw_line(w, "%s__binder_pb_free(%s);", v->pkg_c, m);
        } else {
                const char *tp = v->pb, *tm = f->pbc;
                if (f->wrapped) {
                        cw_open(w, "if (%s != NULL) {", m);
                        tp = m;
                        tm = "items";
                }
                const char *arr = aidl_arena_printf(a, "%s->%s", tp, tm);
                if (!cg_same_layout(t)) {
                        if (k == CN_PARCELABLE || k == CN_INTERFACE) {
                                cw_line(w, "for (size_t _i = 0; %s != NULL && _i < %s->n_%s; _i++)",
                                        arr, tp, tm);
                                cw_indent(w);
                                if (k == CN_PARCELABLE)
                                        cw_line(w, "%s__pb_free(%s[_i]);", cg_type_c(a, t), arr);
                                else
                                        cw_line(w, "%s__binder_pb_free(%s[_i]);", v->pkg_c, arr);
                                cw_dedent(w);
                        }
                        cw_line(w, "free(%s);", arr);
                }
                if (f->wrapped) {
                        cw_line(w, "free(%s);", m);
                        cw_close(w, "}");
                }
        }
        if (guard)
                cw_close(w, "}");
}

/* Range check of an int32 on the wire that holds a byte or a char. */
static void cg_range_check(cw *w, const aidl_type *t, const char *pbv)
{
        const char *lo = NULL, *hi = NULL;
        cn_kind k = cn_kind_of(t);
        if (k == CN_BYTE || (k == CN_ENUM && cn_enum_backing(t) == AIDL_BYTE)) {
                lo = "INT8_MIN";
                hi = "INT8_MAX";
        } else if (k == CN_CHAR) {
                lo = "0";
                hi = "UINT16_MAX";
        }
        if (!lo)
                return;
        cw_open(w, "if (%s < %s || %s > %s) {", pbv, lo, pbv, hi);
        cw_line(w, "_rc = -ERANGE;");
        cw_line(w, "goto fail;");
        cw_close(w, "}");
}

static const char *cg_call(const cn_value *v)
{
        return v->call ? v->call : "call";
}

/* Decodes one element/value `pbv` into the zeroed C lvalue `c`. */
static void cg_decode_one(cw *w, struct aidl_arena *a, const cn_value *v, const char *pbv,
                          const char *c, bool as_ptr)
{
        const aidl_type *t = v->f->type;
        switch (cn_kind_of(t)) {
        case CN_BOOL:
                cw_line(w, "%s = %s != 0;", c, pbv);
                break;
        case CN_BYTE:
        case CN_CHAR:
        case CN_ENUM:
                cg_range_check(w, t, pbv);
                cw_line(w, "%s = (%s)%s;", c, cn_c_value_type(a, t), pbv);
                break;
        case CN_STRING:
                cw_line(w, "%s = avb_string_dup(%s);", c, pbv);
                cg_nomem_if_null(w, c);
                break;
        case CN_PARCELABLE:
                if (as_ptr) {
                        cw_line(w, "%s = malloc(sizeof(*%s));", c, c);
                        cg_nomem_if_null(w, c);
                        cw_line(w, "%s_init(%s);", cg_type_c(a, t), c);
                        cw_line(w, "_rc = %s__from_pb(%s, %s, %s, %s);", cg_type_c(a, t),
                                cg_call(v), cg_fds(v), pbv, c);
                        cg_check_rc(w);
                } else {
                        cw_line(w, "%s_init(&%s);", cg_type_c(a, t), c);
                        cw_open(w, "if (%s != NULL) {", pbv);
                        cw_line(w, "_rc = %s__from_pb(%s, %s, %s, &%s);", cg_type_c(a, t),
                                cg_call(v), cg_fds(v), pbv, c);
                        cg_check_rc(w);
                        cw_close(w, "}");
                }
                break;
        case CN_INTERFACE:
                cw_line(w, "_rc = %s__binder_from_pb(%s, %s, &%s);", v->pkg_c, cg_call(v), pbv, c);
                cg_check_rc(w);
                break;
        case CN_HOLDER:
                cw_line(w, "_rc = avb_parcelable_holder_from_pb(%s, %s, &%s);", pbv,
                        cn_holder_vintf(v->f) ? "true" : "false", c);
                cg_check_rc(w);
                break;
        case CN_PFD: /* a duplicate, owned by the value (closed by its fini) */
                cw_line(w, "_rc = avb_fd_list_get(%s, %s, %s, &%s);", cg_fds(v), pbv,
                        v->f->nullable ? "true" : "false", c);
                cg_check_rc(w);
                break;
        default:
                cw_line(w, "%s = %s;", c, pbv);
                break;
        }
}

void cg_decode(cw *w, struct aidl_arena *a, const cn_value *v)
{
        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        const char *m = aidl_arena_printf(a, "%s->%s", v->pb, f->pbc);
        cn_kind k = cn_kind_of(t);
        bool guarded = f->oneof && !f->in_union;

        if (guarded)
                cw_open(w, "if (%s->%s == %s) {", v->pb, f->case_member, f->case_const);
        if (cn_is_fixed(t)) {
                /* exactly N elements, else a bad parcelable; never more read */
                const char *c = f->nullable ? aidl_arena_printf(a, "(*%s)", v->c) : v->c;
                const char *flat = cn_fixed_flat(a, t, c);
                size_t n = cn_fixed_count(t);
                const char *tp = v->pb, *tm = f->pbc;
                if (f->wrapped) {
                        /* absent: null (a union member may not be absent) */
                        cw_open(w, "if (%s == NULL) {", m);
                        if (f->in_union) {
                                cw_line(w, "_rc = -EBADMSG;");
                                cw_line(w, "goto fail;");
                                cw_close(w, "}");
                        } else {
                                cw_dedent(w);
                                cw_open(w, "} else {");
                        }
                        tp = m;
                        tm = "items";
                }
                if (f->nullable) {
                        cw_line(w, "%s = calloc(1, sizeof(*%s));", v->c, v->c);
                        cg_nomem_if_null(w, v->c);
                        if (cn_kind_of(t) == CN_PARCELABLE && n)
                                cw_line(w, "for (size_t _i = 0; _i < %zu; _i++) %s_init(&%s[_i]);",
                                        n, cg_type_c(a, t), flat);
                        if (cn_kind_of(t) == CN_PFD && n)
                                cw_line(w, "for (size_t _i = 0; _i < %zu; _i++) %s[_i] = -1;", n,
                                        flat);
                }
                const char *have = cn_is_bytes(t) ? aidl_arena_printf(a, "%s.len", m)
                                                  : aidl_arena_printf(a, "%s->n_%s", tp, tm);
                cw_open(w, "if (%s != %zu) {", have, n);
                cw_line(w, "_rc = -EBADMSG;");
                cw_line(w, "goto fail;");
                cw_close(w, "}");
                if (cn_is_bytes(t)) {
                        if (n)
                                cw_line(w, "memcpy(%s, %s.data, %zu);", flat, m, n);
                } else if (n) {
                        cw_open(w, "for (size_t _i = 0; _i < %zu; _i++) {", n);
                        cg_decode_one(w, a, v, aidl_arena_printf(a, "%s->%s[_i]", tp, tm),
                                      aidl_arena_printf(a, "%s[_i]", flat), false);
                        cw_close(w, "}");
                }
                if (f->wrapped && !f->in_union)
                        cw_close(w, "}");
        } else if (!cn_is_array(t)) {
                if (k == CN_PARCELABLE && f->nullable) {
                        cw_open(w, "if (%s != NULL) {", m);
                        cg_decode_one(w, a, v, m, v->c, true);
                        cw_close(w, "}");
                } else {
                        cg_decode_one(w, a, v, m, v->c, false);
                }
        } else if (cn_is_bytes(t)) {
                cw_line(w, "%s = malloc(%s.len ? %s.len : 1);", v->c, m, m);
                cg_nomem_if_null(w, v->c);
                cw_line(w, "if (%s.len > 0)", m);
                cw_indent(w);
                cw_line(w, "memcpy(%s, %s.data, %s.len);", v->c, m, m);
                cw_dedent(w);
                cw_line(w, "%s = %s.len;", v->count, m);
        } else {
                const char *tp = v->pb, *tm = f->pbc;
                if (f->wrapped) {
                        cw_open(w, "if (%s != NULL) {", m);
                        tp = m;
                        tm = "items";
                }
                const char *n = aidl_arena_printf(a, "%s->n_%s", tp, tm);
                if (f->wrapped) {
                        cw_line(w, "%s = calloc(%s ? %s : 1, sizeof(*%s));", v->c, n, n, v->c);
                        cg_nomem_if_null(w, v->c);
                } else {
                        cw_open(w, "if (%s > 0) {", n);
                        cw_line(w, "%s = calloc(%s, sizeof(*%s));", v->c, n, v->c);
                        cg_nomem_if_null(w, v->c);
                        cw_close(w, "}");
                }
                if (k == CN_PFD) { /* a failure half-way closes only what was decoded */
                        cw_line(w, "for (size_t _i = 0; _i < %s; _i++)", n);
                        cw_line(w, "        %s[_i] = -1;", v->c);
                }
                cw_line(w, "%s = %s;", v->count, n);
                cw_open(w, "for (size_t _i = 0; _i < %s; _i++) {", n);
                cg_decode_one(w, a, v, aidl_arena_printf(a, "%s->%s[_i]", tp, tm),
                              aidl_arena_printf(a, "%s[_i]", v->c), false);
                cw_close(w, "}");
                if (f->wrapped)
                        cw_close(w, "}");
        }
        if (guarded)
                cw_close(w, "}");
}

void cg_fini(cw *w, struct aidl_arena *a, const cn_value *v)
{
        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        cn_kind k = cn_kind_of(t);

        if (!cn_is_array(t)) {
                if (k == CN_STRING) {
                        cw_line(w, "free(%s);", v->c);
                } else if (k == CN_PARCELABLE && f->nullable) {
                        cw_line(w, "%s_fini(%s);", cg_type_c(a, t), v->c);
                        cw_line(w, "free(%s);", v->c);
                } else if (k == CN_PARCELABLE) {
                        cw_line(w, "%s_fini(&%s);", cg_type_c(a, t), v->c);
                } else if (k == CN_INTERFACE) {
                        cw_line(w, "avb_binder_unref(%s);", v->c);
                } else if (k == CN_HOLDER) {
                        cw_line(w, "avb_parcelable_holder_fini(&%s);", v->c);
                } else if (k == CN_PFD) {
                        cw_line(w, "avb_fd_close(%s);", v->c);
                        cw_line(w, "%s = -1;", v->c);
                }
                return;
        }
        if (cn_is_fixed(t)) {
                bool owns =
                    (k == CN_STRING || k == CN_PARCELABLE || k == CN_INTERFACE || k == CN_PFD) &&
                    cn_fixed_count(t) > 0;
                if (f->nullable) {
                        /* the array behind the pointer, then the pointer */
                        if (owns) {
                                cw_open(w, "if (%s != NULL) {", v->c);
                                cn_field inner = *f;
                                inner.nullable = false;
                                cn_value iv = *v;
                                iv.f = &inner;
                                iv.c = aidl_arena_printf(a, "(*%s)", v->c);
                                cg_fini(w, a, &iv);
                                cw_close(w, "}");
                        }
                        cw_line(w, "free(%s);", v->c);
                        return;
                }
                if (!owns)
                        return;
                const char *flat = cn_fixed_flat(a, t, v->c);
                cw_line(w, "for (size_t _i = 0; _i < %zu; _i++)", cn_fixed_count(t));
                cw_indent(w);
                if (k == CN_STRING)
                        cw_line(w, "free(%s[_i]);", flat);
                else if (k == CN_PARCELABLE)
                        cw_line(w, "%s_fini(&%s[_i]);", cg_type_c(a, t), flat);
                else if (k == CN_PFD)
                        cw_line(w, "avb_fd_close(%s[_i]);", flat);
                else
                        cw_line(w, "avb_binder_unref(%s[_i]);", flat);
                cw_dedent(w);
                if (k == CN_PFD)
                        cg_reset(w, a, f, v->c);
                return;
        }
        if (k == CN_STRING || k == CN_PARCELABLE || k == CN_INTERFACE || k == CN_PFD) {
                cw_line(w, "for (size_t _i = 0; %s != NULL && _i < %s; _i++)", v->c, v->count);
                cw_indent(w);
                if (k == CN_STRING)
                        cw_line(w, "free(%s[_i]);", v->c);
                else if (k == CN_PARCELABLE)
                        cw_line(w, "%s_fini(&%s[_i]);", cg_type_c(a, t), v->c);
                else if (k == CN_PFD)
                        cw_line(w, "avb_fd_close(%s[_i]);", v->c);
                else
                        cw_line(w, "avb_binder_unref(%s[_i]);", v->c);
                cw_dedent(w);
        }
        cw_line(w, "free(%s);", v->c);
}

void cg_reset(cw *w, struct aidl_arena *a, const cn_field *f, const char *c)
{
        if (cn_kind_of(f->type) != CN_PFD)
                return;
        if (!cn_is_array(f->type)) {
                cw_line(w, "%s = -1;", c);
        } else if (cn_is_fixed(f->type) && !f->nullable && cn_fixed_count(f->type) > 0) {
                cw_line(w, "for (size_t _i = 0; _i < %zu; _i++)", cn_fixed_count(f->type));
                cw_line(w, "        %s[_i] = -1;", cn_fixed_flat(a, f->type, c));
        }
}

void cg_local(cw *w, struct aidl_arena *a, const cn_field *f, const char *name)
{
        cn_c_decl(w, a, f->type, f->nullable, name);
        cw_line(w, "memset(&%s, 0, sizeof(%s));", name, name);
        if (cn_is_array(f->type) && !cn_is_fixed(f->type))
                cw_line(w, "%s_count = 0;", name);
        cg_reset(w, a, f, name);
}

void cg_init_output(cw *w, struct aidl_arena *a, const cn_field *f, const char *name)
{
        if (!cn_is_array(f->type) && cn_kind_of(f->type) == CN_PARCELABLE && !f->nullable)
                cw_line(w, "%s_init(&%s);", cg_type_c(a, f->type), name);
        if (cn_is_fixed(f->type) && !f->nullable && cn_kind_of(f->type) == CN_PARCELABLE &&
            cn_fixed_count(f->type) > 0) {
                cw_line(w, "for (size_t _i = 0; _i < %zu; _i++)", cn_fixed_count(f->type));
                cw_line(w, "        %s_init(&%s[_i]);", cg_type_c(a, f->type),
                        cn_fixed_flat(a, f->type, name));
        }
}

const char *cg_in_arg(struct aidl_arena *a, const cn_field *f, const char *name)
{
        cn_kind k = cn_kind_of(f->type);
        if (cn_is_fixed(f->type) && f->nullable) /* T (*)[N] is no const T (*)[N] in C11 */
                return aidl_arena_printf(a, "(%s(*)%s)%s", cn_fixed_in_elem(a, f->type),
                                         cn_fixed_dims(a, f->type), name);
        if (cn_is_fixed(f->type)) {
                /* char *x[2] is not a const char *const [2] without a cast, nor
                 * T (*)[M] a const T (*)[M] in strict C11 */
                if (f->type->elem->kind == AIDL_TYPE_ARRAY) {
                        const char *rest = cn_fixed_dims(a, f->type->elem);
                        return aidl_arena_printf(a, "(%s (*)%s)%s", cn_fixed_in_elem(a, f->type),
                                                 rest, name);
                }
                if (k == CN_STRING)
                        return aidl_arena_printf(a, "(const char *const *)%s", name);
                return name;
        }
        if (cn_is_array(f->type)) {
                if (k == CN_STRING)
                        return aidl_arena_printf(a, "(const char *const *)%s, %s_count", name,
                                                 name);
                return aidl_arena_printf(a, "%s, %s_count", name, name);
        }
        if (k == CN_PARCELABLE && !f->nullable)
                return aidl_arena_printf(a, "&%s", name);
        return name;
}

void cg_c_file_start(cw *w, struct aidl_arena *a, const aidl_package *pkg)
{
        const char *pc = cn_pkg_c(a, pkg->name);

        cw_line(w, "/* Generated by aidlc from package %s. Do not edit. */", pkg->name);
        cw_line(w, "#include <errno.h>");
        cw_line(w, "#include <stdlib.h>");
        cw_line(w, "#include <string.h>");
        cw_blank(w);
        cw_line(w, "#include <avbuffer/rpc_gen.h>");
        cw_blank(w);
        cw_line(w, "#include \"%s.h\"", pc);
        cw_line(w, "#include \"%s.pb-c.h\"", pc);
}
