/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_C_NAMES_H
#define AIDLC_C_NAMES_H

/*
 * Names shared by the emitters (see docs/aidl-c-mapping.md): protoc-c's
 * mangling, C spellings of AIDL identifiers and types, C literals of
 * constants, and what a package contains and depends on. The wire model is
 * in wire_model.h, the C conversion emitter in c_convert.h.
 *
 * Every string is allocated from the program's arena.
 */

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "writer.h"

struct aidl_arena;

/* ---- protoc-c's mangling ------------------------------------------------ */

/* "my_type" -> "MyType" (struct names). */
char *cn_pbc_camel(struct aidl_arena *a, const char *s);
/* "HeapMetrics" -> "heap_metrics", "IAVBuffer" -> "iavbuffer" (functions). */
char *cn_pbc_lower(struct aidl_arena *a, const char *s);
char *cn_upper(struct aidl_arena *a, const char *s);

/* ---- AIDL identifiers in C ---------------------------------------------- */

/* An AIDL field/argument name as a C identifier ("int" -> "int_", "self" -> "self_"). */
const char *cn_c_ident(struct aidl_arena *a, const char *name);
/* An argument name as a C identifier: also avoids the stubs' own names
 * (self, impl, call, result, a leading '_'). */
const char *cn_c_arg_ident(struct aidl_arena *a, const char *name);
/* Whether s is a C/C++ keyword (or otherwise taken in generated code). */
bool cn_is_keyword(const char *s);
/* The package's own C prefix for helper functions ("a_b_c"). */
const char *cn_decl_pkg_c(struct aidl_arena *a, const aidl_decl *d);
/* "a_b_c" for package "a.b.c". */
char *cn_pkg_c(struct aidl_arena *a, const char *package);

/* ---- value kinds -------------------------------------------------------- */

typedef enum cn_kind {
        CN_BOOL,
        CN_BYTE,
        CN_CHAR,
        CN_INT,
        CN_LONG,
        CN_FLOAT,
        CN_DOUBLE,
        CN_STRING,
        CN_ENUM,
        CN_PARCELABLE, /* parcelable or union: a struct with _init/_fini/_to_pb/_from_pb */
        CN_INTERFACE,
        CN_HOLDER, /* ParcelableHolder: avb_parcelable_holder */
        CN_PFD,    /* ParcelFileDescriptor: int, -1 null */
        CN_VOID,
} cn_kind;

/* The kind of a non-array type (for arrays: of the element). */
cn_kind cn_kind_of(const aidl_type *t);
bool cn_is_array(const aidl_type *t);
/* The element type of an array or list, else t itself. */
const aidl_type *cn_elem(const aidl_type *t);
/* A fixed-size array T[N] (or T[N][M]). */
bool cn_is_fixed(const aidl_type *t);
/* The number of elements of a fixed-size array (N * M ...). */
size_t cn_fixed_count(const aidl_type *t);
/* "[N][M]" of a fixed-size array. */
const char *cn_fixed_dims(struct aidl_arena *a, const aidl_type *t);
/* An expression of a pointer to the first element of fixed-size array c,
 * indexable up to cn_fixed_count() (c itself for one dimension). */
const char *cn_fixed_flat(struct aidl_arena *a, const aidl_type *t, const char *c);
/* The element type of a fixed-size in-argument: "const int32_t",
 * "const char *const", "avb_binder *const". */
const char *cn_fixed_in_elem(struct aidl_arena *a, const aidl_type *t);
/* byte[] travels as proto `bytes`. */
bool cn_is_bytes(const aidl_type *t);
/* The backing primitive of an enum type. */
aidl_prim cn_enum_backing(const aidl_type *t);

/* C type of one value of non-array type t as a field: "int32_t", "char *", "a_b_P". */
const char *cn_c_value_type(struct aidl_arena *a, const aidl_type *t);
/* C type of a field of type t (not an array); nullable parcelables are pointers. */
const char *cn_c_field_type(struct aidl_arena *a, const aidl_type *t, bool nullable);
/*
 * Writes the declaration lines of a field/variable `name` of type t:
 * "T name;" or, for an array, "E *name;" and "size_t name_count;".
 */
void cn_c_decl(cw *w, struct aidl_arena *a, const aidl_type *t, bool nullable, const char *name);
/* Parameter list fragments (", const char *s"). */
void cn_c_in_param(cw *w, struct aidl_arena *a, const aidl_type *t, bool nullable,
                   const char *name);
void cn_c_out_param(cw *w, struct aidl_arena *a, const aidl_type *t, bool nullable,
                    const char *name);
/* The proto type of one value of non-array type t ("int32", "avb.Binder", "a.b.P"). */
const char *cn_proto_value_type(struct aidl_arena *a, const aidl_type *t, const char *cur_package);

bool cn_dir_is_in(aidl_direction d);
bool cn_dir_is_out(aidl_direction d);

/* ---- literals ----------------------------------------------------------- */

/* A C literal of an evaluated constant for a value of type t. */
const char *cn_c_literal(struct aidl_arena *a, const aidl_type *t, const aidl_value *v);
const char *cn_c_string_literal(struct aidl_arena *a, const char *s);

/* ---- shared pieces of the emitters -------------------------------------- */

/* Every type declaration of a package (nested ones too), in source order. */
typedef struct cn_decls {
        const aidl_decl **v;
        size_t n;
} cn_decls;
cn_decls cn_package_types(struct aidl_arena *a, const aidl_package *pkg);
/*
 * Packages (other than pkg) whose types pkg's types refer to, sorted; with
 * `messages_only`, only those whose parcelables/unions are used (proto imports).
 * *ret_binders tells whether an interface type is used (may be NULL).
 */
const char **cn_package_deps(struct aidl_arena *a, const aidl_package *pkg, bool messages_only,
                             size_t *ret_n, bool *ret_binders);

/*
 * The parameters after `self` (stubs) or `impl, call` (ops) of a method:
 * ", <in args>, <outputs>" as the mapping doc orders them.
 */
void cn_method_params(cw *w, struct aidl_arena *a, const aidl_decl *method);
/* The C name of a type declaration ("a_b_c_Outer_Inner"). */
const char *cn_type_c_name(struct aidl_arena *a, const aidl_decl *d);
/* The return type of a method, or NULL for void. */
const aidl_type *cn_method_ret(const aidl_decl *method);
/* Whether a value of type t carries a ParcelFileDescriptor anywhere (fields
 * of parcelables and unions followed); a method's arguments or return. */
bool cn_type_has_pfd(const aidl_type *t);
bool cn_method_has_pfd(const aidl_decl *method);

#endif
