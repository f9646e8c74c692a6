/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P.h: the C types, constants, client stubs and server ops of a package
 * (docs/aidl-c-mapping.md), then the declarations the generated .c files
 * share (conversion to and from protobuf-c, not exported).
 */
#include <string.h>

#include "api.h"
#include "c_convert.h"
#include "emit.h"

static void hdr_constants(cw *w, struct aidl_arena *a, const aidl_decl *type)
{
        const char *tc = cn_type_c_name(a, type);
        for (const aidl_decl *m = type->members; m; m = m->next) {
                if (m->kind != AIDL_DECL_CONST || !m->value)
                        continue;
                cw_doc(w, m->doc);
                cw_line(w, "#define %s_%s %s", tc, m->name,
                        cn_c_literal(a, m->type, &m->value->value));
        }
}

static void hdr_enum(cw *w, struct aidl_arena *a, const aidl_decl *d)
{
        const char *tc = cn_type_c_name(a, d);
        const char *bt = d->backing == AIDL_LONG  ? "int64_t"
                         : d->backing == AIDL_INT ? "int32_t"
                                                  : "int8_t";
        aidl_type t = {.kind = AIDL_TYPE_NAMED, .resolved = (aidl_decl *)d};

        cw_blank(w);
        cw_doc(w, d->doc);
        cw_line(w, "typedef %s %s;", bt, tc);
        for (const aidl_decl *m = d->members; m; m = m->next) {
                if (m->kind != AIDL_DECL_ENUMERATOR)
                        continue;
                aidl_value v = {.kind = AIDL_VAL_INT, .i = m->enum_value};
                cw_doc(w, m->doc);
                cw_line(w, "#define %s_%s %s", tc, m->name, cn_c_literal(a, &t, &v));
        }
}

static void hdr_struct(cw *w, struct aidl_arena *a, const aidl_decl *d)
{
        const char *tc = cn_type_c_name(a, d);
        cn_fields fs = cn_fields_of_type(a, d);

        cw_blank(w);
        cw_doc(w, d->doc);
        cw_open(w, "struct %s {", tc);
        if (d->kind == AIDL_DECL_UNION) {
                cw_line(w, "%s_tag tag;", tc);
                cw_open(w, "union {");
        }
        for (size_t i = 0; i < fs.n; i++) {
                const cn_field *f = &fs.v[i];
                cw_doc(w, f->decl->doc);
                if (d->kind == AIDL_DECL_UNION && cn_is_array(f->type)) {
                        cw_open(w, "struct {");
                        cn_c_decl(w, a, f->type, f->nullable, f->c_name);
                        cw_close(w, "};");
                } else {
                        cn_c_decl(w, a, f->type, f->nullable, f->c_name);
                }
        }
        if (fs.n == 0)
                cw_line(w, "char unused_; /* C has no empty structs */");
        if (d->kind == AIDL_DECL_UNION)
                cw_close(w, "} u;");
        cw_close(w, "};");
        hdr_constants(w, a, d);
        cw_line(w, "/* Sets the defaults. */");
        cw_line(w, "AVB_EXPORT void %s_init(%s *p);", tc, tc);
        cw_line(w, "/* Frees what p owns; accepts NULL. */");
        cw_line(w, "AVB_EXPORT void %s_fini(%s *p);", tc, tc);
        cw_line(w, "/* Puts a copy of *v into holder h: 0, -EINVAL (h is @VintfStability and %s",
                d->name);
        cw_line(w, " * is not), -ENOMEM. h unchanged on failure. */");
        cw_line(w, "AVB_EXPORT int %s_holder_put(avb_parcelable_holder *h, const %s *v);", tc, tc);
        cw_line(w, "/* 1 and *ret_value (not freed first) when h holds a %s; 0 when it", d->name);
        cw_line(
            w, " * holds nothing or another type; -EBADMSG (payload does not decode), -ENOMEM. */");
        cw_line(w, "AVB_EXPORT int %s_holder_get(const avb_parcelable_holder *h, %s *ret_value);",
                tc, tc);
}

/* Emits d after the structs it holds by value (same package). */
static void hdr_struct_sorted(cw *w, struct aidl_arena *a, const cn_decls *all, bool *done,
                              bool *busy, size_t i)
{
        if (done[i] || busy[i])
                return;
        busy[i] = true;
        for (const aidl_decl *m = all->v[i]->members; m; m = m->next) {
                if (m->kind != AIDL_DECL_FIELD || cn_is_array(m->type) || m->type->nullable ||
                    cn_kind_of(m->type) != CN_PARCELABLE)
                        continue;
                for (size_t j = 0; j < all->n; j++)
                        if (all->v[j] == m->type->resolved)
                                hdr_struct_sorted(w, a, all, done, busy, j);
        }
        hdr_struct(w, a, all->v[i]);
        done[i] = true;
}

static void hdr_method_doc(cw *w, const aidl_decl *m)
{
        cw_doc(w, m->doc);
}

static void hdr_interface(cw *w, struct aidl_arena *a, const aidl_decl *d,
                          const aidl_emit_options *o)
{
        const char *tc = cn_type_c_name(a, d);
        const char *hash = aidl_interface_hash(a, d);
        bool any = false;

        cw_blank(w);
        cw_line(w, "/* ---- interface %s ---- */", d->qualified ? d->qualified : d->name);
        cw_blank(w);
        cw_doc(w, d->doc);
        cw_line(w, "#define %s_DESCRIPTOR \"%s\"", tc, d->qualified ? d->qualified : d->name);
        cw_line(w, "#define %s_VERSION %d", tc, o->interface_version);
        cw_line(w, "#define %s_HASH \"%s\"", tc, hash ? hash : "");
        for (const aidl_decl *m = d->members; m; m = m->next)
                if (m->kind == AIDL_DECL_METHOD)
                        cw_line(w, "#define %s_TRANSACTION_%s (AVB_FIRST_CALL + %d)", tc, m->name,
                                m->index);
        hdr_constants(w, a, d);
        cw_line(w, "extern AVB_EXPORT const avb_interface_desc %s_desc;", tc);
        cw_blank(w);
        cw_line(w, "/* What a local %s object implements; a NULL op answers", d->name);
        cw_line(w, " * EX_UNSUPPORTED_OPERATION. */");
        cw_open(w, "typedef struct %s_ops {", tc);
        for (const aidl_decl *m = d->members; m; m = m->next) {
                if (m->kind != AIDL_DECL_METHOD)
                        continue;
                any = true;
                hdr_method_doc(w, m);
                cw_printf(w, "avb_status (*%s)(void *impl, avb_call *call", cn_c_ident(a, m->name));
                cn_method_params(w, a, m);
                cw_printf(w, ");\n");
        }
        if (!any)
                cw_line(w, "void *unused_; /* C has no empty structs */");
        cw_close(w, "} %s_ops;", tc);
        cw_blank(w);
        cw_line(w, "/* A local object served by ops on impl (see avb_binder_new_local()). */");
        cw_line(w, "AVB_EXPORT int %s_new_local(const %s_ops *ops, void *impl,", tc, tc);
        cw_line(w, "                void (*destroy)(void *impl), avb_binder **ret);");
        for (const aidl_decl *m = d->members; m; m = m->next) {
                if (m->kind != AIDL_DECL_METHOD)
                        continue;
                cw_blank(w);
                hdr_method_doc(w, m);
                cw_printf(w, "AVB_EXPORT avb_status %s_%s(avb_binder *self", tc, m->name);
                cn_method_params(w, a, m);
                cw_printf(w, ");\n");
        }
        cw_blank(w);
        cw_line(w, "/* The version and hash of the interface the remote object implements. */");
        cw_line(
            w,
            "AVB_EXPORT avb_status %s_getInterfaceVersion(avb_binder *self, int32_t *ret_result);",
            tc);
        cw_line(w,
                "AVB_EXPORT avb_status %s_getInterfaceHash(avb_binder *self, char **ret_result);",
                tc);
}

/* Whether a field or method of the package carries a ParcelFileDescriptor. */
static bool hdr_uses_pfd(const cn_decls *types)
{
        for (size_t i = 0; i < types->n; i++)
                for (const aidl_decl *m = types->v[i]->members; m; m = m->next)
                        if ((m->kind == AIDL_DECL_FIELD && cn_type_has_pfd(m->type)) ||
                            (m->kind == AIDL_DECL_METHOD && cn_method_has_pfd(m)))
                                return true;
        return false;
}

static void hdr_pfd_comment(cw *w)
{
        static const char *const text[] = {
            "/*",
            " * ParcelFileDescriptor is an int (-1: null; a non-null -1 is refused:",
            " * EX_NULL_POINTER before it leaves, a bad message when it arrives).",
            " * Ownership: an `in` fd is borrowed for the call (the callee dup()s it to",
            " * keep it); a returned fd, or one received in a parcelable or union, is",
            " * owned by the receiver and closed by the type's _fini (the client stub",
            " * closes every received fd that no value took). On the server, the op",
            " * hands a returned fd (and the fds of a returned parcelable) to the",
            " * skeleton, which closes them once the reply is sent. _init sets fds to -1.",
            " */",
        };
        cw_blank(w);
        for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
                cw_line(w, "%s", text[i]);
}

int aidl_emit_c_header(const aidl_program *p, const aidl_package *pkg, const aidl_emit_options *o,
                       const aidl_fileio *io)
{
        struct aidl_arena *a = p->arena;
        const char *pc = cn_pkg_c(a, pkg->name);
        const char *guard = cn_upper(a, aidl_arena_printf(a, "AVB_GEN_%s_H", pc));
        cn_decls types = cn_package_types(a, pkg);
        size_t n_deps;
        const char **deps = cn_package_deps(a, pkg, false, &n_deps, NULL);
        bool *done = aidl_arena_alloc(a, types.n + 1);
        bool *busy = aidl_arena_alloc(a, types.n + 1);
        cw w;

        cw_init(&w);
        cw_line(&w, "/* Generated by aidlc from package %s. Do not edit. */", pkg->name);
        cw_line(&w, "#ifndef %s", guard);
        cw_line(&w, "#define %s", guard);
        cw_blank(&w);
        cw_line(&w, "#include <stdbool.h>");
        cw_line(&w, "#include <stddef.h>");
        cw_line(&w, "#include <stdint.h>");
        cw_blank(&w);
        cw_line(&w, "#include <avbuffer/parcelable_holder.h>");
        cw_line(&w, "#include <avbuffer/rpc.h>");
        cw_line(&w, "#include <avbuffer/rpc_gen.h>");
        if (n_deps)
                cw_blank(&w);
        for (size_t i = 0; i < n_deps; i++)
                cw_line(&w, "#include \"%s.h\"", cn_pkg_c(a, deps[i]));
        if (hdr_uses_pfd(&types))
                hdr_pfd_comment(&w);
        cw_blank(&w);
        cw_line(&w, "#ifdef __cplusplus");
        cw_line(&w, "extern \"C\" {");
        cw_line(&w, "#endif");

        for (size_t i = 0; i < types.n; i++)
                if (types.v[i]->kind == AIDL_DECL_ENUM)
                        hdr_enum(&w, a, types.v[i]);
        cw_blank(&w);
        for (size_t i = 0; i < types.n; i++) {
                const aidl_decl *d = types.v[i];
                const char *tc = cn_type_c_name(a, d);
                if (d->kind == AIDL_DECL_PARCELABLE || d->kind == AIDL_DECL_UNION)
                        cw_line(&w, "typedef struct %s %s;", tc, tc);
                if (d->kind != AIDL_DECL_UNION)
                        continue;
                cn_fields fs = cn_fields_of_type(a, d);
                cw_open(&w, "typedef enum %s_tag {", tc);
                for (size_t k = 0; k < fs.n; k++)
                        cw_line(&w, "%s_TAG_%s = %zu,", tc, fs.v[k].aidl_name, k);
                cw_close(&w, "} %s_tag;", tc);
        }
        for (size_t i = 0; i < types.n; i++)
                if (types.v[i]->kind == AIDL_DECL_PARCELABLE || types.v[i]->kind == AIDL_DECL_UNION)
                        hdr_struct_sorted(&w, a, &types, done, busy, i);
        for (size_t i = 0; i < types.n; i++)
                if (types.v[i]->kind == AIDL_DECL_INTERFACE)
                        hdr_interface(&w, a, types.v[i], o);
        for (size_t i = 0; i < types.n; i++)
                if (types.v[i]->kind == AIDL_DECL_ENUM)
                        hdr_constants(&w, a, types.v[i]);

        cw_blank(&w);
        cw_line(&w, "/* ---- internal: used by the generated code of every package ---- */");
        cw_blank(&w);
        cw_line(&w, "struct Avb__Binder;");
        cw_line(&w, "int %s__binder_to_pb(avb_binder *b, struct Avb__Binder **ret);", pc);
        cw_line(&w,
                "int %s__binder_from_pb(avb_call *call, const struct Avb__Binder *m, avb_binder "
                "**ret);",
                pc);
        cw_line(&w, "void %s__binder_pb_free(struct Avb__Binder *m);", pc);
        for (size_t i = 0; i < types.n; i++) {
                const aidl_decl *d = types.v[i];
                if (d->kind != AIDL_DECL_PARCELABLE && d->kind != AIDL_DECL_UNION)
                        continue;
                const char *tc = cn_type_c_name(a, d);
                cn_msg m = cn_msg_of_type(a, d);
                cw_line(&w, "struct %s;", m.c);
                cw_line(&w, "int %s__to_pb_new(const %s *in, avb_fd_list *fds, struct %s **ret);",
                        tc, tc, m.c);
                cw_line(&w, "void %s__pb_free(struct %s *m);", tc, m.c);
                cw_line(&w, "int %s__from_pb(avb_call *call, const avb_fd_list *fds,", tc);
                cw_line(&w, "                const struct %s *in, %s *out);", m.c, tc);
        }
        cw_blank(&w);
        cw_line(&w, "#ifdef __cplusplus");
        cw_line(&w, "}");
        cw_line(&w, "#endif");
        cw_blank(&w);
        cw_line(&w, "#endif");
        return cw_finish(&w, io, o->outdir, aidl_arena_printf(a, "%s.h", pc));
}
