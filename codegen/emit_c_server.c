/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P_server.c: per interface, the dispatcher the runtime calls for each
 * request (it checks the code again and never indexes a table with it),
 * one skeleton per method (unpack, convert, call the op, pack the reply,
 * free everything on every path), the method table, the interface
 * descriptor and _new_local().
 */
#include <string.h>

#include "api.h"
#include "c_convert.h"
#include "emit.h"

/* The local that holds argument f on the server side. */
static const char *server_local(struct aidl_arena *a, const cn_field *f)
{
        if (!f->arg || cn_dir_is_out(f->arg->dir))
                return aidl_arena_printf(a, "_r_%s", f->c_name);
        return aidl_arena_printf(a, "_a_%s", f->c_name);
}

static void server_method(cw *w, struct aidl_arena *a, const aidl_decl *iface, const aidl_decl *m,
                          const char *pc)
{
        const char *tc = cn_type_c_name(a, iface);
        const char *what = aidl_arena_printf(a, "%s.%s", iface->name, m->name);
        bool oneway = m->oneway || iface->oneway;
        cn_fields req = cn_fields_of_method(a, m, false);
        cn_fields rep = cn_fields_of_method(a, m, true);
        bool sens = aidl_annotation_find(iface->annotations, "SensitiveData") != NULL;
        bool fdm = cn_method_has_pfd(m);
        const char *fds = fdm ? "&_fds" : "NULL";

        cw_blank(w);
        size_t start = w->len;
        cw_line(w, "static avb_status serve_%s_%s(const %s_ops *ops, void *impl, avb_call *call,",
                tc, m->name, tc);
        cw_line(w, "                const uint8_t *req, size_t req_len, uint8_t **ret_reply, "
                   "size_t *ret_len)");
        cw_open(w, "{");
        cw_line(w, "%s *_req;", req.msg.c);
        cw_line(w, "avb_arena _arena; /* the request's wire message, released at once at done */");
        if (!oneway)
                cw_line(w, "%s _rep;", rep.msg.c);
        cw_line(w, "avb_status _st;");
        cw_line(w, "int _rc = 0;");
        if (fdm) /* reads the request's fds, adds the reply's */
                cw_line(w, "avb_fd_list _fds = {.call = call};");
        for (size_t i = 0; i < req.n; i++)
                if (req.v[i].arg->dir != AIDL_DIR_INOUT)
                        cg_local(w, a, &req.v[i], server_local(a, &req.v[i]));
        for (size_t i = 0; !oneway && i < rep.n; i++)
                cg_local(w, a, &rep.v[i], server_local(a, &rep.v[i]));
        if (!oneway)
                cw_line(w, "%s__init(&_rep);", rep.msg.lower);
        cw_blank(w);
        cw_line(w, "if (ops->%s == NULL)", cn_c_ident(a, m->name));
        cw_line(w,
                "        return avb_status_exception(AVB_EX_UNSUPPORTED_OPERATION, \"%s is not "
                "implemented\");",
                what);
        cw_line(w, "avb_arena_init(&_arena, %s);", sens ? "AVB_METHOD_SENSITIVE" : "0");
        cw_line(w, "_req = (%s *)protobuf_c_message_unpack(&%s__descriptor, &_arena.allocator,",
                req.msg.c, req.msg.lower);
        cw_line(w, "                                       req_len, req);");
        cw_open(w, "if (_req == NULL) {");
        cw_line(w, "avb_arena_fini(&_arena);");
        cw_line(w, "return avb_status_transport(AVB_TS_BAD_MESSAGE, \"%s: bad request\");", what);
        cw_close(w, "}");
        for (size_t i = 0; i < req.n; i++) {
                const cn_field *f = &req.v[i];
                const char *c = server_local(a, f);
                cn_value v = {f, c, aidl_arena_printf(a, "%s_count", c), "_req", pc, NULL, fds};
                cg_decode(w, a, &v);
        }
        for (size_t i = 0; !oneway && i < rep.n; i++)
                if (!rep.v[i].arg || rep.v[i].arg->dir == AIDL_DIR_OUT)
                        cg_init_output(w, a, &rep.v[i], server_local(a, &rep.v[i]));
        for (size_t i = 0; i < req.n; i++) {
                const cn_field *f = &req.v[i];
                if (cn_is_array(f->type) || f->nullable || cn_kind_of(f->type) != CN_INTERFACE)
                        continue;
                cw_open(w, "if (%s == NULL) {", server_local(a, f));
                cw_line(w, "_st = avb_status_exception(AVB_EX_NULL_POINTER, \"%s: %s is null\");",
                        what, f->aidl_name);
                cw_line(w, "goto done;");
                cw_close(w, "}");
        }
        cw_printf(w, "_st = ops->%s(impl, call", cn_c_ident(a, m->name));
        for (size_t i = 0; i < req.n; i++)
                if (req.v[i].arg->dir != AIDL_DIR_INOUT)
                        cw_printf(w, ", %s", cg_in_arg(a, &req.v[i], server_local(a, &req.v[i])));
        for (size_t i = 0; !oneway && i < rep.n; i++) {
                const cn_field *f = &rep.v[i];
                if (!f->arg)
                        continue;
                if (cn_is_fixed(f->type) && !f->nullable) {
                        cw_printf(w, ", %s", server_local(a, f));
                        continue;
                }
                cw_printf(w, ", &%s", server_local(a, f));
                if (cn_is_array(f->type) && !cn_is_fixed(f->type))
                        cw_printf(w, ", &%s_count", server_local(a, f));
        }
        for (size_t i = 0; !oneway && i < rep.n; i++) {
                if (rep.v[i].arg)
                        continue;
                if (cn_is_fixed(rep.v[i].type) && !rep.v[i].nullable) {
                        cw_printf(w, ", _r_result");
                        continue;
                }
                cw_printf(w, ", &_r_result");
                if (cn_is_array(rep.v[i].type) && !cn_is_fixed(rep.v[i].type))
                        cw_printf(w, ", &_r_result_count");
        }
        cw_printf(w, ");\n");
        if (oneway) {
                cw_line(w, "(void)ret_reply;");
                cw_line(w, "(void)ret_len;");
                cw_line(w, "goto done;");
        } else {
                cw_line(w, "if (!avb_status_is_ok(&_st))");
                cw_line(w, "        goto done;");
                for (size_t i = 0; i < rep.n; i++) {
                        const cn_field *f = &rep.v[i];
                        const char *c = server_local(a, f);
                        cn_value v = {f,    c,  aidl_arena_printf(a, "%s_count", c), "(&_rep)", pc,
                                      NULL, fds};
                        cg_encode(w, a, &v);
                }
                cw_line(w, "*ret_len = protobuf_c_message_get_packed_size(&_rep.base);");
                cw_line(w, "*ret_reply = malloc(*ret_len > 0 ? *ret_len : 1);");
                cw_open(w, "if (*ret_reply == NULL) {");
                cw_line(w, "*ret_len = 0;");
                cw_line(w, "_rc = -ENOMEM;");
                cw_line(w, "goto fail;");
                cw_close(w, "}");
                cw_line(w, "protobuf_c_message_pack(&_rep.base, *ret_reply);");
                cw_line(w, "goto done;");
        }
        if (cw_contains(w, start, "goto fail")) {
                cw_dedent(w);
                cw_line(w, "fail:");
                cw_indent(w);
                cw_line(w, "_st = avb_status_from_rc(_rc, \"%s\", \"bad request\");", what);
        } else {
                cw_line(w, "(void)_rc;");
        }
        cw_dedent(w);
        cw_line(w, "done:");
        cw_indent(w);
        for (size_t i = 0; !oneway && i < rep.n; i++) {
                cn_value v = {&rep.v[i], "", "", "(&_rep)", pc};
                cg_release(w, a, &v);
        }
        for (size_t i = 0; i < req.n; i++) {
                const cn_field *f = &req.v[i];
                const char *c = server_local(a, f);
                cn_value v = {f, c, aidl_arena_printf(a, "%s_count", c), "_req", pc};
                if (f->arg->dir != AIDL_DIR_INOUT)
                        cg_fini(w, a, &v);
        }
        for (size_t i = 0; !oneway && i < rep.n; i++) {
                const cn_field *f = &rep.v[i];
                const char *c = server_local(a, f);
                cn_value v = {f, c, aidl_arena_printf(a, "%s_count", c), "_req", pc};
                cg_fini(w, a, &v);
        }
        cw_line(w, "avb_arena_fini(&_arena); /* every value kept was copied out of _req */");
        cw_line(w, "return _st;");
        cw_close(w, "}");
}

static void server_interface(cw *w, struct aidl_arena *a, const aidl_decl *d, const char *pc)
{
        const char *tc = cn_type_c_name(a, d);
        bool sens = aidl_annotation_find(d->annotations, "SensitiveData") != NULL;
        unsigned n = 0;

        for (const aidl_decl *m = d->members; m; m = m->next)
                if (m->kind == AIDL_DECL_METHOD) {
                        server_method(w, a, d, m, pc);
                        n++;
                }
        cw_blank(w);
        cw_line(w,
                "static avb_status dispatch_%s(const avb_interface_desc *iface, const void *ops,",
                tc);
        cw_line(w,
                "                void *impl, avb_call *call, uint32_t code, const uint8_t *req,");
        cw_line(w, "                size_t req_len, uint8_t **ret_reply, size_t *ret_len)");
        cw_open(w, "{");
        cw_line(w, "(void)iface;");
        cw_line(w, "*ret_reply = NULL;");
        cw_line(w, "*ret_len = 0;");
        if (n > 0) {
                cw_line(w, "if (ops != NULL) {");
                cw_indent(w);
                cw_open(w, "switch (code) {");
                for (const aidl_decl *m = d->members; m; m = m->next) {
                        if (m->kind != AIDL_DECL_METHOD)
                                continue;
                        cw_line(w, "case %s_TRANSACTION_%s:", tc, m->name);
                        cw_line(w,
                                "        return serve_%s_%s(ops, impl, call, req, req_len, "
                                "ret_reply, ret_len);",
                                tc, m->name);
                }
                cw_line(w, "default:");
                cw_line(w, "        break;");
                cw_close(w, "}");
                cw_close(w, "}");
        } else {
                cw_line(w, "(void)ops;");
                cw_line(w, "(void)impl;");
                cw_line(w, "(void)call;");
                cw_line(w, "(void)req;");
                cw_line(w, "(void)req_len;");
        }
        cw_line(w, "return avb_status_transport(AVB_TS_UNKNOWN_TRANSACTION, \"%%s: no method with "
                   "code %%u\",");
        cw_line(w, "                            %s_DESCRIPTOR, (unsigned)code);", tc);
        cw_close(w, "}");

        if (n > 0) {
                cw_blank(w);
                cw_open(w, "static const avb_method_desc %s_methods[] = {", tc);
                for (const aidl_decl *m = d->members; m; m = m->next)
                        if (m->kind == AIDL_DECL_METHOD) {
                                bool ow = m->oneway || d->oneway, fdm = cn_method_has_pfd(m);
                                const char *fl =
                                    aidl_arena_printf(a, "%s%s%s", ow ? " | AVB_METHOD_ONEWAY" : "",
                                                      fdm ? " | AVB_METHOD_FDS" : "",
                                                      sens ? " | AVB_METHOD_SENSITIVE" : "");
                                cw_line(w, "{\"%s\", %s},", m->name, *fl ? fl + 3 : "0");
                        }
                cw_close(w, "};");
        }
        cw_blank(w);
        cw_open(w, "const avb_interface_desc %s_desc = {", tc);
        cw_line(w, ".descriptor = %s_DESCRIPTOR,", tc);
        cw_line(w, ".hash = %s_HASH,", tc);
        cw_line(w, ".version = %s_VERSION,", tc);
        cw_line(w, ".n_methods = %u,", n);
        cw_line(w, ".methods = %s,", n > 0 ? aidl_arena_printf(a, "%s_methods", tc) : "NULL");
        cw_line(w, ".dispatch = dispatch_%s,", tc);
        cw_close(w, "};");
        cw_blank(w);
        cw_line(w, "int %s_new_local(const %s_ops *ops, void *impl, void (*destroy)(void *impl),",
                tc, tc);
        cw_line(w, "                avb_binder **ret)");
        cw_open(w, "{");
        cw_line(w, "return avb_binder_new_local(&%s_desc, ops, impl, destroy, ret);", tc);
        cw_close(w, "}");
}

int aidl_emit_c_server(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                       const aidl_fileio *io)
{
        struct aidl_arena *a = p->arena;
        const char *pc = cn_pkg_c(a, pkg->name);
        cn_decls types = cn_package_types(a, pkg);
        cw w;

        cw_init(&w);
        cg_c_file_start(&w, a, pkg);
        for (size_t i = 0; i < types.n; i++)
                if (types.v[i]->kind == AIDL_DECL_INTERFACE)
                        server_interface(&w, a, types.v[i], pc);
        return cw_finish(&w, io, o->outdir, aidl_arena_printf(a, "%s_server.c", pc));
}
