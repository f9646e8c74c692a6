/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_C_NAMES_H
#define AIDLC_C_NAMES_H

/*
 * Names shared by the emitters (see docs/aidl-c-mapping.md): C spellings of
 * AIDL types, the proto names aidlc gives to messages and fields, the
 * identifiers protoc-c derives from them, and the code fragments that
 * convert one value between its C form and its protobuf-c form (used for
 * parcelable fields by P_types.c and for arguments by the stubs).
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
        CN_VOID,
} cn_kind;

/* The kind of a non-array type (for arrays: of the element). */
cn_kind cn_kind_of(const aidl_type *t);
bool cn_is_array(const aidl_type *t);
/* The element type of an array or list, else t itself. */
const aidl_type *cn_elem(const aidl_type *t);
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

/* ---- proto messages ----------------------------------------------------- */

typedef struct cn_msg {
        const char *package; /* proto package "a.b.c" */
        const char *proto;   /* name relative to the package: "IFoo.BarRequest" */
        const char *simple;  /* last component: "BarRequest" */
        const char *c;       /* protobuf-c struct: "A__B__C__IFoo__BarRequest" */
        const char *lower;   /* "a__b__c__ifoo__bar_request" (descriptor, functions) */
        const char *upper;   /* "A__B__C__IFOO__BAR_REQUEST" (INIT, case constants) */
} cn_msg;

cn_msg cn_msg_of_type(struct aidl_arena *a, const aidl_decl *type);
cn_msg cn_msg_child(struct aidl_arena *a, const cn_msg *parent, const char *simple);
/* <Method>Request / <Method>Reply nested in the interface's message. */
cn_msg cn_msg_method(struct aidl_arena *a, const aidl_decl *method, bool reply);

/* One field of a generated message and the C value it carries. */
typedef struct cn_field {
        const char *aidl_name; /* AIDL name ("result" for a return value) */
        const char *c_name;    /* C identifier on the AIDL side */
        const aidl_type *type;
        bool nullable;
        const aidl_decl *decl; /* FIELD decl, or NULL for arguments */
        const aidl_arg *arg;   /* the argument, or NULL */
        int number;            /* proto field number */
        const char *proto;     /* proto field name */
        const char *pbc;       /* protobuf-c struct member */
        const char *oneof;     /* proto oneof holding it, or NULL */
        const char *case_member; /* "<oneof>_case" */
        const char *case_const;  /* protobuf-c case constant of this field */
        bool in_union;
        bool wrapped;        /* an array inside a wrapper message */
        cn_msg wrapper;      /* the wrapper message (repeated `items` = 1) */
} cn_field;

typedef struct cn_fields {
        cn_msg msg;
        cn_field *v;
        size_t n;
        bool is_union;
        const char *union_oneof; /* "_tag" */
} cn_fields;

/* Fields of a parcelable or union. */
cn_fields cn_fields_of_type(struct aidl_arena *a, const aidl_decl *type);
/* Request: in/inout args (1 + index). Reply: result (1), out/inout args (2 + index). */
cn_fields cn_fields_of_method(struct aidl_arena *a, const aidl_decl *method, bool reply);

/* The package's own C prefix for helper functions ("a_b_c"). */
const char *cn_decl_pkg_c(struct aidl_arena *a, const aidl_decl *d);
/* The interface a method belongs to. */
const aidl_decl *cn_method_iface(const aidl_decl *method);
bool cn_dir_is_in(aidl_direction d);
bool cn_dir_is_out(aidl_direction d);

/* ---- literals ----------------------------------------------------------- */

/* A C literal of an evaluated constant for a value of type t. */
const char *cn_c_literal(struct aidl_arena *a, const aidl_type *t, const aidl_value *v);
const char *cn_c_string_literal(struct aidl_arena *a, const char *s);

/* ---- conversion code ---------------------------------------------------- */

/*
 * One value to convert. `c` is a C lvalue of the field type (for an array:
 * the pointer, `count` the count lvalue); `pb` an expression of a pointer to
 * the protobuf-c message holding field `f`. The generated code uses the
 * variables `_rc` (int) and the label `fail`, and `call` (avb_call *) when
 * decoding.
 */
typedef struct cn_value {
        const cn_field *f;
        const char *c;
        const char *count;
        const char *pb;
        const char *pkg_c; /* package whose binder helpers to call */
        const char *call;  /* the avb_call expression for decoding ("call" when NULL) */
} cn_value;

/* C -> protobuf-c (borrowing C memory where it can; see cg_release). */
void cg_encode(cw *w, struct aidl_arena *a, const cn_value *v);
/* Frees what cg_encode allocated. */
void cg_release(cw *w, struct aidl_arena *a, const cn_value *v);
/* protobuf-c -> C; the C value must be zeroed. */
void cg_decode(cw *w, struct aidl_arena *a, const cn_value *v);
/* Frees the C value (of a field, decoded or not). */
void cg_fini(cw *w, struct aidl_arena *a, const cn_value *v);

/* Declares a zeroed local `name` (and name_count) able to hold field f's C value. */
void cg_local(cw *w, struct aidl_arena *a, const cn_field *f, const char *name);
/* Sets the defaults of an output that the op fills (non-null parcelables). */
void cg_init_output(cw *w, struct aidl_arena *a, const cn_field *f, const char *name);
/* The C argument passing local `name` of field f to an op as an in-argument. */
const char *cg_in_arg(struct aidl_arena *a, const cn_field *f, const char *name);
/*
 * A static helper `status_from_rc(int rc, const char *what)` mapping a
 * conversion failure to an avb_status (bad message, no memory, ...).
 */
void cg_status_helper(cw *w, const char *bad_what);

/*
 * The start of a generated .c file of package `pkg`: the "do not edit" line,
 * the C library headers, P.h and P.pb-c.h; with `status_helper` (the package
 * has methods) also status_from_rc() reporting `bad_what` on bad data.
 */
void cg_c_file_start(cw *w, struct aidl_arena *a, const aidl_package *pkg, bool status_helper,
                     const char *bad_what);
/* Whether any interface of the package has a method. */
bool cn_package_has_methods(struct aidl_arena *a, const aidl_package *pkg);

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

#endif
