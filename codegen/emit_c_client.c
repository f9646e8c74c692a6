/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P_client.c: one stub per method. It checks the arguments (EX_NULL_POINTER
 * for a NULL that is not @nullable), packs the request, calls
 * avb_binder_transact(), unpacks the reply into temporaries and moves them
 * to the caller's outputs only when everything succeeded.
 */
#include <string.h>

#include "c_convert.h"
#include "emit.h"

static void client_null_check(cw *w, const char *what, const char *cond, const char *name)
{
        cw_line(w, "if (%s)", cond);
        cw_line(w, "        return avb_status_exception(AVB_EX_NULL_POINTER, \"%s: %s is null\");",
                what, name);
}

/* The C lvalue of an input on the client side. */
static const char *client_input(struct aidl_arena *a, const cn_field *f)
{
        if (f->arg && f->arg->dir == AIDL_DIR_INOUT)
                return aidl_arena_printf(
                    a, cn_is_fixed(f->type) && !f->nullable ? "ret_%s" : "(*ret_%s)", f->c_name);
        if (!cn_is_array(f->type) && cn_kind_of(f->type) == CN_PARCELABLE && !f->nullable)
                return aidl_arena_printf(a, "(*%s)", f->c_name);
        return f->c_name;
}

/* The count of an array input on the client side. */
static const char *client_count(struct aidl_arena *a, const cn_field *f)
{
        if (f->arg && f->arg->dir == AIDL_DIR_INOUT)
                return aidl_arena_printf(a, "(*ret_%s_count)", f->c_name);
        return aidl_arena_printf(a, "%s_count", f->c_name);
}

static void client_checks(cw *w, struct aidl_arena *a, const char *what, const cn_fields *req,
                          const cn_fields *rep)
{
        client_null_check(w, what, "self == NULL", "self");
        for (size_t i = 0; rep && i < rep->n; i++) {
                const cn_field *f = &rep->v[i];
                const char *out = aidl_arena_printf(a, "ret_%s", f->c_name);
                client_null_check(w, what, aidl_arena_printf(a, "%s == NULL", out), out);
                if (cn_is_array(f->type) && !cn_is_fixed(f->type))
                        client_null_check(w, what, aidl_arena_printf(a, "%s_count == NULL", out),
                                          aidl_arena_printf(a, "%s_count", out));
        }
        for (size_t i = 0; i < req->n; i++) {
                const cn_field *f = &req->v[i];
                const char *c = client_input(a, f);
                cn_kind k = cn_kind_of(f->type);
                bool inout = f->arg->dir == AIDL_DIR_INOUT;
                if (cn_is_fixed(f->type)) {
                        if (!inout && !f->nullable)
                                client_null_check(w, what, aidl_arena_printf(a, "%s == NULL", c),
                                                  f->aidl_name);
                        continue;
                }
                if (cn_is_array(f->type)) {
                        if (!f->nullable)
                                client_null_check(w, what,
                                                  aidl_arena_printf(a, "%s == NULL && %s > 0", c,
                                                                    client_count(a, f)),
                                                  f->aidl_name);
                        continue;
                }
                if (f->nullable)
                        continue;
                if (k == CN_STRING || k == CN_INTERFACE)
                        client_null_check(w, what, aidl_arena_printf(a, "%s == NULL", c),
                                          f->aidl_name);
                else if (k == CN_PARCELABLE && !inout)
                        client_null_check(w, what, aidl_arena_printf(a, "%s == NULL", f->c_name),
                                          f->aidl_name);
        }
}

static void client_method(cw *w, struct aidl_arena *a, const aidl_decl *iface, const aidl_decl *m,
                          const char *pc)
{
        const char *tc = cn_type_c_name(a, iface);
        const char *what = aidl_arena_printf(a, "%s.%s", iface->name, m->name);
        bool oneway = m->oneway || iface->oneway;
        bool sens = aidl_annotation_find(iface->annotations, "SensitiveData") != NULL;
        cn_fields req = cn_fields_of_method(a, m, false);
        cn_fields rep = cn_fields_of_method(a, m, true);
        bool fdm = cn_method_has_pfd(m);
        const char *fds_out = fdm ? "&_fds" : "NULL", *fds_in = fdm ? "&_rfds" : "NULL";

        cw_blank(w);
        cw_printf(w, "avb_status %s_%s(avb_binder *self", tc, m->name);
        cn_method_params(w, a, m);
        cw_printf(w, ")\n");
        cw_open(w, "{");
        cw_line(w, "%s _req;", req.msg.c);
        if (!oneway)
                cw_line(w, "%s *_rep = NULL;", rep.msg.c);
        cw_line(w, "uint8_t *_buf = NULL, *_out = NULL;");
        cw_line(w, "size_t _len = 0, _out_len = 0;");
        cw_line(w, "avb_status _st;");
        cw_line(w, "int _rc = 0;");
        if (fdm) {
                /* _fds: the caller's fds, borrowed; _rfds: the reply's, owned */
                cw_line(w, "avb_fd_list _fds = {0};");
                if (!oneway)
                        cw_line(w, "avb_fd_list _rfds = {0};");
        }
        for (size_t i = 0; !oneway && i < rep.n; i++)
                cg_local(w, a, &rep.v[i], aidl_arena_printf(a, "_r_%s", rep.v[i].c_name));
        if (!oneway) /* the reply's wire message, released at once at done */
                cw_line(w, "avb_arena _arena;");
        cw_line(w, "%s__init(&_req);", req.msg.lower);
        if (!oneway)
                cw_line(w, "avb_arena_init(&_arena, %s);", sens ? "AVB_METHOD_SENSITIVE" : "0");
        cw_blank(w);
        client_checks(w, a, what, &req, oneway ? NULL : &rep);
        for (size_t i = 0; i < req.n; i++) {
                const cn_field *f = &req.v[i];
                const char *c = client_input(a, f);
                cn_value v = {f, c, client_count(a, f), "(&_req)", pc, NULL, fds_out};
                cg_encode(w, a, &v);
        }
        cw_line(w, "_len = protobuf_c_message_get_packed_size(&_req.base);");
        cw_line(w, "_buf = malloc(_len > 0 ? _len : 1);");
        cw_open(w, "if (_buf == NULL) {");
        cw_line(w, "_rc = -ENOMEM;");
        cw_line(w, "goto fail;");
        cw_close(w, "}");
        cw_line(w, "protobuf_c_message_pack(&_req.base, _buf);");
        if (fdm) {
                cw_line(
                    w, "_st = avb_binder_transact_fds(self, &%s_desc, %s_TRANSACTION_%s, %s, _buf,",
                    tc, tc, m->name, oneway ? "AVB_METHOD_ONEWAY" : "0");
                cw_line(w,
                        "                              _len, _fds.fds, _fds.n, &_out, &_out_len,");
                cw_line(w, "                              %s);",
                        oneway ? "NULL, NULL" : "&_rfds.fds, &_rfds.n");
        } else {
                cw_line(
                    w,
                    "_st = avb_binder_transact(self, &%s_desc, %s_TRANSACTION_%s, %s, _buf, _len,",
                    tc, tc, m->name, oneway ? "AVB_METHOD_ONEWAY" : "0");
                cw_line(w, "                          &_out, &_out_len);");
        }
        if (oneway) {
                cw_line(w, "goto done;");
        } else {
                cw_line(w, "if (!avb_status_is_ok(&_st))");
                cw_line(w, "        goto done;");
                cw_line(
                    w, "_rep = (%s *)protobuf_c_message_unpack(&%s__descriptor, &_arena.allocator,",
                    rep.msg.c, rep.msg.lower);
                cw_line(w, "                                       _out_len, _out);");
                cw_open(w, "if (_rep == NULL) {");
                cw_line(w, "_rc = -EBADMSG;");
                cw_line(w, "goto fail;");
                cw_close(w, "}");
                for (size_t i = 0; i < rep.n; i++) {
                        const cn_field *f = &rep.v[i];
                        const char *c = aidl_arena_printf(a, "_r_%s", f->c_name);
                        cn_value v = {
                            f, c, aidl_arena_printf(a, "%s_count", c), "_rep", pc, "NULL", fds_in};
                        cg_decode(w, a, &v);
                }
                for (size_t i = 0; i < rep.n; i++) {
                        const cn_field *f = &rep.v[i];
                        if (cn_is_fixed(f->type) && !f->nullable) {
                                cw_line(w, "memcpy(ret_%s, _r_%s, sizeof(_r_%s));", f->c_name,
                                        f->c_name, f->c_name);
                                continue;
                        }
                        cw_line(w, "*ret_%s = _r_%s;", f->c_name, f->c_name);
                        if (cn_is_array(f->type) && !cn_is_fixed(f->type))
                                cw_line(w, "*ret_%s_count = _r_%s_count;", f->c_name, f->c_name);
                }
                cw_line(w, "goto done;");
        }
        cw_dedent(w);
        cw_line(w, "fail:");
        cw_indent(w);
        cw_line(w, "_st = avb_status_from_rc(_rc, \"%s\", \"bad reply\");", what);
        for (size_t i = 0; !oneway && i < rep.n; i++) {
                const cn_field *f = &rep.v[i];
                const char *c = aidl_arena_printf(a, "_r_%s", f->c_name);
                cn_value v = {f, c, aidl_arena_printf(a, "%s_count", c), "_rep", pc};
                cg_fini(w, a, &v);
        }
        cw_dedent(w);
        cw_line(w, "done:");
        cw_indent(w);
        for (size_t i = 0; i < req.n; i++) {
                cn_value v = {&req.v[i], "", "", "(&_req)", pc};
                cg_release(w, a, &v);
        }
        if (!oneway) /* every value kept was copied out of _rep */
                cw_line(w, "avb_arena_fini(&_arena);");
        if (fdm) {
                /* what the reply's values kept they duplicated */
                cw_line(w, "avb_fd_list_fini(&_fds, false);");
                if (!oneway)
                        cw_line(w, "avb_fd_list_fini(&_rfds, true);");
        }
        cw_line(w, "avb_buffer_free(_buf, _len, %s);", sens ? "AVB_METHOD_SENSITIVE" : "0");
        cw_line(w, "avb_buffer_free(_out, _out_len, %s);", sens ? "AVB_METHOD_SENSITIVE" : "0");
        cw_line(w, "return _st;");
        cw_close(w, "}");
}

int aidl_emit_c_client(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                       const aidl_fileio *io)
{
        struct aidl_arena *a = p->arena;
        const char *pc = cn_pkg_c(a, pkg->name);
        cn_decls types = cn_package_types(a, pkg);
        cw w;

        cw_init(&w);
        cg_c_file_start(&w, a, pkg);
        for (size_t i = 0; i < types.n; i++) {
                const aidl_decl *d = types.v[i];
                if (d->kind != AIDL_DECL_INTERFACE)
                        continue;
                const char *tc = cn_type_c_name(a, d);
                for (const aidl_decl *m = d->members; m; m = m->next)
                        if (m->kind == AIDL_DECL_METHOD)
                                client_method(&w, a, d, m, pc);
                cw_blank(&w);
                cw_open(
                    &w,
                    "avb_status %s_getInterfaceVersion(avb_binder *self, int32_t *ret_result)\n{",
                    tc);
                cw_line(&w, "return avb_binder_get_interface_version(self, &%s_desc, ret_result);",
                        tc);
                cw_close(&w, "}");
                cw_blank(&w);
                cw_open(&w,
                        "avb_status %s_getInterfaceHash(avb_binder *self, char **ret_result)\n{",
                        tc);
                cw_line(&w, "return avb_binder_get_interface_hash(self, &%s_desc, ret_result);",
                        tc);
                cw_close(&w, "}");
        }
        return cw_finish(&w, io, o->outdir, aidl_arena_printf(a, "%s_client.c", pc));
}
