/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P_types.c: _init/_fini of every parcelable and union, and their
 * conversion to and from the protobuf-c messages (to_pb borrows the C
 * strings and same-layout arrays; from_pb copies everything and checks
 * the ranges of byte and char values).
 */
#include <string.h>

#include "c_convert.h"
#include "emit.h"

static cn_value types_value(struct aidl_arena *a, const cn_field *f, const char *c_obj,
                            const char *pb, const char *pc, bool is_union)
{
        cn_value v = {0};
        v.f = f;
        v.c = aidl_arena_printf(a, "%s->%s%s", c_obj, is_union ? "u." : "", f->c_name);
        v.count = aidl_arena_printf(a, "%s_count", v.c);
        v.pb = pb;
        v.pkg_c = pc;
        return v;
}

/* Assigns the default items of (a level of) a fixed-size array, in
 * row-major order, to flat[*i...]. */
static void types_fixed_items(cw *w, struct aidl_arena *a, const aidl_type *t, const char *flat,
                              const aidl_value *val, size_t *i)
{
        for (size_t k = 0; k < val->n_items; k++) {
                const aidl_value *it = &val->items[k];
                if (it->kind == AIDL_VAL_ARRAY) {
                        types_fixed_items(w, a, t, flat, it, i);
                        continue;
                }
                const char *lit = cn_c_literal(a, cn_elem(t), it);
                if (cn_kind_of(t) == CN_STRING)
                        cw_line(w, "%s[%zu] = avb_string_dup(%s);", flat, (*i)++, lit);
                else
                        cw_line(w, "%s[%zu] = %s;", flat, (*i)++, lit);
        }
}

/* Defaults of a fixed-size array field: parcelables _init'ed, else the
 * declared items (zero without a default). */
static void types_fixed_default(cw *w, struct aidl_arena *a, const cn_value *v)
{
        const aidl_type *t = v->f->type;
        const aidl_expr *e = v->f->decl ? v->f->decl->value : NULL;
        const char *flat = cn_fixed_flat(a, t, v->c);
        size_t i = 0;

        if (cn_kind_of(t) == CN_PFD) {
                cg_reset(w, a, v->f, v->c);
                return;
        }
        if (cn_kind_of(t) == CN_PARCELABLE) {
                if (cn_fixed_count(t) == 0)
                        return;
                cw_line(w, "for (size_t _i = 0; _i < %zu; _i++)", cn_fixed_count(t));
                cw_line(w, "        %s_init(&%s[_i]);", cn_type_c_name(a, cn_elem(t)->resolved),
                        flat);
                return;
        }
        if (e && e->value.kind == AIDL_VAL_ARRAY && cn_kind_of(t) != CN_INTERFACE)
                types_fixed_items(w, a, t, flat, &e->value, &i);
}

static void types_default(cw *w, struct aidl_arena *a, const cn_value *v)
{
        if (cn_is_fixed(v->f->type)) {
                if (!v->f->nullable) /* a @nullable one starts null */
                        types_fixed_default(w, a, v);
                return;
        }

        const cn_field *f = v->f;
        const aidl_type *t = f->type;
        const aidl_expr *e = f->decl ? f->decl->value : NULL;
        cn_kind k = cn_kind_of(t);

        if (k == CN_PFD) {
                cg_reset(w, a, f, v->c);
                return;
        }
        if (k == CN_HOLDER) {
                cw_line(w, "avb_parcelable_holder_init(&%s, %s);", v->c,
                        cn_holder_vintf(f) ? "true" : "false");
                return;
        }
        if (!cn_is_array(t) && k == CN_PARCELABLE && !f->nullable) {
                cw_line(w, "%s_init(&%s);", cn_type_c_name(a, cn_elem(t)->resolved), v->c);
                return;
        }
        if (!e || f->nullable)
                return;
        if (!cn_is_array(t)) {
                const char *lit = cn_c_literal(a, t, &e->value);
                if (k == CN_STRING)
                        cw_line(w, "%s = avb_string_dup(%s);", v->c, lit);
                else if (k != CN_PARCELABLE && k != CN_INTERFACE)
                        cw_line(w, "%s = %s;", v->c, lit);
                return;
        }
        if (e->value.kind != AIDL_VAL_ARRAY || e->value.n_items == 0 || k == CN_PARCELABLE ||
            k == CN_INTERFACE)
                return;
        size_t n = e->value.n_items;
        cw_line(w, "%s = malloc(%zu * sizeof(*%s));", v->c, n, v->c);
        cw_open(w, "if (%s != NULL) {", v->c);
        cw_line(w, "%s = %zu;", v->count, n);
        for (size_t i = 0; i < n; i++) {
                const char *lit = cn_c_literal(a, cn_elem(t), &e->value.items[i]);
                if (k == CN_STRING)
                        cw_line(w, "%s[%zu] = avb_string_dup(%s);", v->c, i, lit);
                else
                        cw_line(w, "%s[%zu] = %s;", v->c, i, lit);
        }
        cw_close(w, "}");
}

/* Writes `body` into w as the rest of a function, declaring what it uses. */
static void types_finish_fn(cw *w, cw *body, const char *ok_tail, const char *fail_tail)
{
        bool rc = cw_contains_word(body, 0, "_rc");
        bool fail = cw_contains(body, 0, "goto fail");

        if (rc)
                cw_raw(w, "        int _rc = 0;\n");
        cw_raw(w, "\n");
        cw_raw(w, body->buf ? body->buf : "");
        if (body->err)
                w->err = body->err;
        cw_free(body);
        cw_raw(w, ok_tail);
        if (fail) {
                cw_raw(w, "fail:\n");
                cw_raw(w, fail_tail);
        }
        cw_raw(w, "}\n");
}

static const char *types_tag(struct aidl_arena *a, const char *tc, const cn_field *f)
{
        return aidl_arena_printf(a, "%s_TAG_%s", tc, f->aidl_name);
}

/* P_holder_put and P_holder_get: P packed into a ParcelableHolder. */
static void types_holder(cw *w, struct aidl_arena *a, const aidl_decl *d, const cn_fields *fs)
{
        const char *tc = cn_type_c_name(a, d);
        const char *desc = cn_c_string_literal(a, d->qualified);
        bool vintf = aidl_annotation_find(d->annotations, "VintfStability") != NULL;

        cw_blank(w);
        cw_open(w, "int %s_holder_put(avb_parcelable_holder *h, const %s *v)\n{", tc, tc);
        cw_line(w, "struct %s *m = NULL;", fs->msg.c);
        cw_line(w, "uint8_t *buf;");
        cw_line(w, "size_t n;");
        cw_line(w, "int rc;");
        cw_blank(w);
        /* no fd list: a ParcelFileDescriptor inside cannot be held (-EINVAL) */
        cw_line(w, "if ((rc = %s__to_pb_new(v, NULL, &m)) < 0)", tc);
        cw_line(w, "        return rc;");
        cw_line(w, "n = protobuf_c_message_get_packed_size(&m->base);");
        cw_line(w, "buf = malloc(n ? n : 1);");
        cw_open(w, "if (buf == NULL) {");
        cw_line(w, "%s__pb_free(m);", tc);
        cw_line(w, "return -ENOMEM;");
        cw_close(w, "}");
        cw_line(w, "protobuf_c_message_pack(&m->base, buf);");
        cw_line(w, "%s__pb_free(m);", tc);
        cw_line(w, "rc = avb_parcelable_holder_set(h, %s, %s, buf, n);", desc,
                vintf ? "true" : "false");
        cw_line(w, "free(buf);");
        cw_line(w, "return rc;");
        cw_close(w, "}");
        cw_blank(w);
        cw_open(w, "int %s_holder_get(const avb_parcelable_holder *h, %s *ret_value)\n{", tc, tc);
        cw_line(w, "struct %s *m;", fs->msg.c);
        cw_line(w, "%s v;", tc);
        cw_line(w, "int rc;");
        cw_blank(w);
        cw_line(w, "if (!avb_parcelable_holder_holds(h, %s))", desc);
        cw_line(w, "        return 0; /* absent, or another type: not an error */");
        cw_line(w, "m = (struct %s *)protobuf_c_message_unpack(&%s__descriptor, NULL,", fs->msg.c,
                fs->msg.lower);
        cw_line(w, "                                            h->size, h->data);");
        cw_line(w, "if (m == NULL)");
        cw_line(w, "        return -EBADMSG;");
        cw_line(w, "%s_init(&v);", tc);
        cw_line(w, "rc = %s__from_pb(NULL, NULL, m, &v);", tc);
        cw_line(w, "protobuf_c_message_free_unpacked(&m->base, NULL);");
        cw_open(w, "if (rc < 0) {");
        cw_line(w, "%s_fini(&v);", tc);
        cw_line(w, "return rc;");
        cw_close(w, "}");
        cw_line(w, "*ret_value = v;");
        cw_line(w, "return 1;");
        cw_close(w, "}");
}

static void types_one(cw *w, struct aidl_arena *a, const aidl_decl *d, const char *pc)
{
        const char *tc = cn_type_c_name(a, d);
        cn_fields fs = cn_fields_of_type(a, d);
        bool u = fs.is_union;
        cw b;

        /* _init */
        cw_blank(w);
        cw_open(w, "void %s_init(%s *p)\n{", tc, tc);
        cw_line(w, "memset(p, 0, sizeof(*p));");
        for (size_t i = 0; i < fs.n && (!u || i < 1); i++) {
                cn_value v = types_value(a, &fs.v[i], "p", "m", pc, u);
                types_default(w, a, &v);
        }
        cw_close(w, "}");

        /* _fini */
        cw_blank(w);
        cw_open(w, "void %s_fini(%s *p)\n{", tc, tc);
        cw_line(w, "if (p == NULL)");
        cw_line(w, "        return;");
        if (u)
                cw_open(w, "switch (p->tag) {");
        for (size_t i = 0; i < fs.n; i++) {
                cn_value v = types_value(a, &fs.v[i], "p", "m", pc, u);
                if (u) {
                        cw_line(w, "case %s:", types_tag(a, tc, &fs.v[i]));
                        cw_indent(w);
                }
                cg_fini(w, a, &v);
                if (u) {
                        cw_line(w, "break;");
                        cw_dedent(w);
                }
        }
        if (u)
                cw_close(w, "}");
        if (fs.n == 0)
                cw_line(w, "(void)p;");
        cw_close(w, "}");

        /* __pb_free */
        cw_blank(w);
        cw_open(w, "void %s__pb_free(struct %s *m)\n{", tc, fs.msg.c);
        cw_line(w, "if (m == NULL)");
        cw_line(w, "        return;");
        for (size_t i = 0; i < fs.n; i++) {
                cn_value v = types_value(a, &fs.v[i], "in", "m", pc, u);
                cg_release(w, a, &v);
        }
        cw_line(w, "free(m);");
        cw_close(w, "}");

        /* __to_pb_new */
        cw_blank(w);
        cw_open(w, "int %s__to_pb_new(const %s *in, avb_fd_list *fds, struct %s **ret)\n{", tc, tc,
                fs.msg.c);
        cw_line(w, "%s *out = malloc(sizeof(*out));", fs.msg.c);
        cw_init(&b);
        b.indent = 1;
        cw_line(&b, "*ret = NULL;");
        cw_line(&b, "if (out == NULL)");
        cw_line(&b, "        return -ENOMEM;");
        cw_line(&b, "%s__init(out);", fs.msg.lower);
        cw_open(&b, "if (in == NULL) {");
        cw_line(&b, "*ret = out; /* a null union member travels as an empty message */");
        cw_line(&b, "return 0;");
        cw_close(&b, "}");
        if (u)
                cw_open(&b, "switch (in->tag) {");
        for (size_t i = 0; i < fs.n; i++) {
                cn_value v = types_value(a, &fs.v[i], "in", "out", pc, u);
                if (u) {
                        cw_line(&b, "case %s:", types_tag(a, tc, &fs.v[i]));
                        cw_indent(&b);
                }
                cg_encode(&b, a, &v);
                if (u) {
                        cw_line(&b, "break;");
                        cw_dedent(&b);
                }
        }
        if (u) {
                cw_line(&b, "default:");
                cw_line(&b, "        _rc = -EINVAL;");
                cw_line(&b, "        goto fail;");
                cw_close(&b, "}");
        }
        cw_line(&b, "*ret = out;");
        if (!cw_contains_word(&b, 0, "fds"))
                cw_line(&b, "(void)fds;");
        w->indent = 0;
        types_finish_fn(
            w, &b, "        return 0;\n",
            aidl_arena_printf(a, "        %s__pb_free(out);\n        return _rc;\n", tc));

        /* __from_pb */
        cw_blank(w);
        cw_line(w, "int %s__from_pb(avb_call *call, const avb_fd_list *fds, const struct %s *in,",
                tc, fs.msg.c);
        cw_open(w, "                %s *out)\n{", tc);
        cw_init(&b);
        b.indent = 1;
        cw_line(&b, "%s_fini(out);", tc);
        cw_line(&b, "memset(out, 0, sizeof(*out));");
        for (size_t i = 0; !u && i < fs.n; i++) {
                cn_value v = types_value(a, &fs.v[i], "out", "in", pc, u);
                cg_reset(&b, a, &fs.v[i], v.c);
        }
        if (u)
                cw_open(&b, "switch (in->%s_case) {", fs.union_oneof);
        for (size_t i = 0; i < fs.n; i++) {
                cn_value v = types_value(a, &fs.v[i], "out", "in", pc, u);
                if (u) {
                        cw_line(&b, "case %s:", fs.v[i].case_const);
                        cw_indent(&b);
                        cw_line(&b, "out->tag = %s;", types_tag(a, tc, &fs.v[i]));
                        cg_reset(&b, a, &fs.v[i], v.c);
                }
                cg_decode(&b, a, &v);
                if (u) {
                        cw_line(&b, "break;");
                        cw_dedent(&b);
                }
        }
        if (u) {
                cw_line(&b, "default:");
                cw_line(&b, "        _rc = -EBADMSG;");
                cw_line(&b, "        goto fail;");
                cw_close(&b, "}");
        }
        if (!cw_contains_word(&b, 0, "call"))
                cw_line(&b, "(void)call;");
        if (!cw_contains_word(&b, 0, "fds"))
                cw_line(&b, "(void)fds;");
        if (fs.n == 0)
                cw_line(&b, "(void)in;");
        w->indent = 0;
        types_finish_fn(w, &b, "        return 0;\n", "        return _rc;\n");
        types_holder(w, a, d, &fs);
}

int aidl_emit_c_types(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                      const aidl_fileio *io)
{
        struct aidl_arena *a = p->arena;
        const char *pc = cn_pkg_c(a, pkg->name);
        cn_decls types = cn_package_types(a, pkg);
        cw w;

        cw_init(&w);
        cg_c_file_start(&w, a, pkg);
        cw_line(&w, "#include \"avb_wire.pb-c.h\"");
        cw_blank(&w);
        cw_open(&w, "int %s__binder_to_pb(avb_binder *b, struct Avb__Binder **ret)\n{", pc);
        cw_line(&w, "Avb__Binder *m = malloc(sizeof(*m));");
        cw_line(&w, "char *endpoint = NULL;");
        cw_line(&w, "uint32_t object_id = 0;");
        cw_blank(&w);
        cw_line(&w, "*ret = NULL;");
        cw_line(&w, "if (m == NULL)");
        cw_line(&w, "        return -ENOMEM;");
        cw_line(&w, "avb__binder__init(m);");
        cw_open(&w, "if (b != NULL) { /* null travels as an empty endpoint */");
        cw_line(&w, "int rc = avb_binder_to_wire(b, &endpoint, &object_id);");
        cw_open(&w, "if (rc < 0) {");
        cw_line(&w, "free(m);");
        cw_line(&w, "return rc;");
        cw_close(&w, "}");
        cw_line(&w, "m->endpoint = endpoint;");
        cw_line(&w, "m->object_id = object_id;");
        cw_close(&w, "}");
        cw_line(&w, "*ret = m;");
        cw_line(&w, "return 0;");
        cw_close(&w, "}");
        cw_blank(&w);
        cw_open(&w,
                "int %s__binder_from_pb(avb_call *call, const struct Avb__Binder *m, avb_binder "
                "**ret)\n{",
                pc);
        cw_line(&w, "*ret = NULL;");
        cw_line(&w, "if (m == NULL || m->endpoint == NULL || m->endpoint[0] == '\\0')");
        cw_line(&w, "        return 0;");
        cw_line(&w, "return avb_binder_from_wire(call, m->endpoint, m->object_id, ret);");
        cw_close(&w, "}");
        cw_blank(&w);
        cw_open(&w, "void %s__binder_pb_free(struct Avb__Binder *m)\n{", pc);
        cw_line(&w, "if (m == NULL)");
        cw_line(&w, "        return;");
        cw_line(&w, "if (m->endpoint != NULL && m->endpoint != protobuf_c_empty_string)");
        cw_line(&w, "        free(m->endpoint);");
        cw_line(&w, "free(m);");
        cw_close(&w, "}");
        for (size_t i = 0; i < types.n; i++)
                if (types.v[i]->kind == AIDL_DECL_PARCELABLE || types.v[i]->kind == AIDL_DECL_UNION)
                        types_one(&w, a, types.v[i], pc);
        return cw_finish(&w, io, o->outdir, aidl_arena_printf(a, "%s_types.c", pc));
}
