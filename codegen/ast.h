/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_AST_H
#define AIDLC_AST_H

/*
 * The syntax tree of a set of AIDL files, shared by every stage of aidlc.
 *
 * Ownership: every node and string is allocated from the tree's arena
 * (struct aidl_arena) and freed at once with aidl_program_free(); nothing
 * here is freed one by one. Lists are singly linked through `next`, in
 * declaration order.
 *
 * Stages: the parser fills the syntax (names as written); the resolver fills
 * every `resolved`/`scope` pointer and the qualified names; the validator
 * evaluates constants (aidl_value) and checks the rules. Emitters only read a
 * tree that passed all three.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aidl_arena;

typedef struct aidl_loc {
        const char *file; /* path as given on the command line or found under -I */
        int line;         /* 1-based */
        int col;          /* 1-based, in bytes */
} aidl_loc;

typedef struct aidl_annotation {
        char *name;         /* without '@': "nullable", "Backing", "VintfStability" */
        char *params;       /* raw text between the parentheses, or NULL */
        char *backing_type; /* for @Backing(type="int"): "int"; else NULL */
        aidl_loc loc;
        struct aidl_annotation *next;
} aidl_annotation;

typedef enum aidl_prim {
        AIDL_VOID,
        AIDL_BOOLEAN,
        AIDL_BYTE,
        AIDL_CHAR,
        AIDL_INT,
        AIDL_LONG,
        AIDL_FLOAT,
        AIDL_DOUBLE,
        AIDL_STRING,
} aidl_prim;

typedef enum aidl_type_kind {
        AIDL_TYPE_PRIM,  /* prim */
        AIDL_TYPE_NAMED, /* a user type: name as written, resolved after resolution */
        AIDL_TYPE_ARRAY, /* elem[] */
        AIDL_TYPE_LIST,  /* List<elem> */
} aidl_type_kind;

struct aidl_decl;

typedef struct aidl_type {
        aidl_type_kind kind;
        aidl_prim prim;              /* AIDL_TYPE_PRIM */
        char *name;                  /* AIDL_TYPE_NAMED: "IVideoDecoder.Id", "a.b.Pool" */
        struct aidl_decl *resolved;  /* AIDL_TYPE_NAMED, after resolution */
        struct aidl_type *elem;      /* ARRAY and LIST */
        struct aidl_expr *size;      /* ARRAY: N of a fixed-size array T[N], else NULL */
        int32_t fixed_size;          /* ARRAY: N once evaluated (see consteval.h) */
        bool nullable;               /* @nullable on the field/argument/return */
        bool utf8;                   /* @utf8InCpp */
        bool holder;                 /* NAMED: the built-in ParcelableHolder */
        bool pfd;                    /* NAMED: the built-in ParcelFileDescriptor */
        bool ibinder;                /* NAMED: the built-in IBinder (an untyped binder) */
        bool type_param;             /* NAMED: a type parameter of the enclosing generic
                                        parcelable (resolved stays NULL) */
        struct aidl_type *targs;     /* NAMED: type arguments of Generic<A, B>, or NULL */
        struct aidl_type *next_targ; /* the following type argument */
        int n_targs;
        aidl_annotation *annotations;
        aidl_loc loc;
} aidl_type;

/* Constant expressions. */
typedef enum aidl_expr_kind {
        AIDL_EXPR_INT,    /* integer literal (decimal, hex, with optional L suffix) */
        AIDL_EXPR_FLOAT,  /* floating literal (optional f suffix) */
        AIDL_EXPR_BOOL,   /* true/false */
        AIDL_EXPR_CHAR,   /* 'c' */
        AIDL_EXPR_STRING, /* "..." (escapes already decoded) */
        AIDL_EXPR_NAME,   /* reference to a constant or enumerator: "A", "E.B", "IFoo.MAX" */
        AIDL_EXPR_UNARY,  /* op: '-' '+' '~' '!' */
        AIDL_EXPR_BINARY, /* op: one of AIDL_OP_* */
        AIDL_EXPR_TERNARY,
        AIDL_EXPR_ARRAY, /* { a, b, c } for array defaults */
} aidl_expr_kind;

typedef enum aidl_op {
        AIDL_OP_ADD = 1,
        AIDL_OP_SUB,
        AIDL_OP_MUL,
        AIDL_OP_DIV,
        AIDL_OP_MOD,
        AIDL_OP_SHL,
        AIDL_OP_SHR,
        AIDL_OP_AND,
        AIDL_OP_OR,
        AIDL_OP_XOR,
        AIDL_OP_LAND,
        AIDL_OP_LOR,
        AIDL_OP_EQ,
        AIDL_OP_NE,
        AIDL_OP_LT,
        AIDL_OP_LE,
        AIDL_OP_GT,
        AIDL_OP_GE,
        AIDL_OP_NEG,
        AIDL_OP_PLUS,
        AIDL_OP_NOT,
        AIDL_OP_LNOT,
} aidl_op;

typedef enum aidl_value_kind {
        AIDL_VAL_NONE, /* not evaluated / error */
        AIDL_VAL_INT,  /* i (also boolean results of comparisons are BOOL) */
        AIDL_VAL_FLOAT,
        AIDL_VAL_BOOL,
        AIDL_VAL_CHAR,
        AIDL_VAL_STRING,
        AIDL_VAL_ARRAY,
} aidl_value_kind;

typedef struct aidl_value {
        aidl_value_kind kind;
        int64_t i;                /* INT, CHAR, BOOL (0/1) */
        double f;                 /* FLOAT */
        const char *s;            /* STRING (arena) */
        struct aidl_value *items; /* ARRAY (arena, n_items) */
        size_t n_items;
} aidl_value;

typedef struct aidl_expr {
        aidl_expr_kind kind;
        aidl_op op;
        int64_t ival; /* INT, BOOL, CHAR literal */
        bool is_long; /* INT literal had an L suffix */
        double fval;  /* FLOAT literal */
        char *text;   /* STRING literal value, NAME as written, literal spelling for INT/FLOAT */
        struct aidl_expr *a, *b, *c; /* operands; ARRAY items chained through `next` from a */
        struct aidl_expr *next;
        struct aidl_decl *resolved; /* NAME: the const or enumerator it names */
        aidl_value value;           /* filled by the validator */
        aidl_loc loc;
} aidl_expr;

typedef enum aidl_direction {
        AIDL_DIR_NONE, /* not written (means "in") */
        AIDL_DIR_IN,
        AIDL_DIR_OUT,
        AIDL_DIR_INOUT,
} aidl_direction;

typedef struct aidl_arg {
        char *name;
        aidl_direction dir;
        aidl_type *type;
        int index; /* 0-based position in the method */
        aidl_loc loc;
        struct aidl_arg *next;
} aidl_arg;

typedef enum aidl_decl_kind {
        AIDL_DECL_INTERFACE,
        AIDL_DECL_PARCELABLE,
        AIDL_DECL_ENUM,
        AIDL_DECL_UNION,
        AIDL_DECL_METHOD,     /* member of an interface */
        AIDL_DECL_CONST,      /* const member of an interface or parcelable/union */
        AIDL_DECL_FIELD,      /* field of a parcelable or member of a union */
        AIDL_DECL_ENUMERATOR, /* member of an enum */
} aidl_decl_kind;

/*
 * One declaration. Type declarations (interface, parcelable, enum, union)
 * own `members` (methods, consts, fields, enumerators, and nested type
 * declarations, all in source order).
 */
typedef struct aidl_decl {
        aidl_decl_kind kind;
        char *name;      /* simple name: "Id", "alloc", "UNDEFINED" */
        char *qualified; /* "com.rdk.hal.videodecoder.IVideoDecoder.Id" (types only) */
        char *c_name;    /* "com_rdk_hal_videodecoder_IVideoDecoder_Id" (types only) */
        char *doc;       /* the preceding comment, "/ ** ... * /" text, or NULL */
        aidl_annotation *annotations;
        aidl_loc loc;
        struct aidl_decl *parent;  /* enclosing type, or NULL at top level */
        struct aidl_file *file;    /* the file it was declared in */
        struct aidl_decl *members; /* for type declarations */
        struct aidl_decl *next;    /* sibling */

        /* INTERFACE and METHOD */
        bool oneway;

        /* METHOD */
        aidl_type *ret; /* AIDL_TYPE_PRIM/AIDL_VOID for void */
        aidl_arg *args;
        int index; /* METHOD: 0-based among the interface's methods;
                      FIELD: 0-based among the parcelable's/union's fields;
                      ENUMERATOR: 0-based position */

        /* CONST and FIELD */
        aidl_type *type;
        aidl_expr *value; /* CONST value, FIELD default (or NULL), ENUMERATOR value (or NULL) */

        /* PARCELABLE: type parameters of a generic parcelable P<T, U> (arena) */
        char **type_params;
        int n_type_params;

        /* ENUM: the backing type (AIDL_BYTE by default, per AIDL) */
        aidl_prim backing;
        /* ENUMERATOR: the evaluated value */
        int64_t enum_value;
} aidl_decl;

typedef struct aidl_import {
        char *name; /* "com.rdk.hal.HALError" */
        struct aidl_decl *resolved;
        aidl_loc loc;
        struct aidl_import *next;
} aidl_import;

typedef struct aidl_file {
        char *path;
        char *package; /* "com.rdk.hal.avbuffer" */
        aidl_loc package_loc;
        aidl_import *imports;
        aidl_decl *types; /* top-level declarations (usually exactly one) */
        bool from_import; /* loaded only to satisfy an import: no output */
        struct aidl_file *next;
} aidl_file;

typedef struct aidl_package {
        char *name;               /* "com.rdk.hal.avbuffer" */
        char *c_prefix;           /* "com_rdk_hal_avbuffer" */
        bool emit;                /* has at least one file given on the command line */
        struct aidl_file **files; /* the files of this package, in command-line order */
        size_t n_files;
        struct aidl_package *next;
} aidl_package;

typedef struct aidl_program {
        struct aidl_arena *arena;
        aidl_file *files;       /* every file loaded, command-line files first */
        aidl_package *packages; /* sorted by name */
} aidl_program;

/* ---- arena and helpers (ast.c) ---- */

struct aidl_arena *aidl_arena_new(void);
void aidl_arena_free(struct aidl_arena *a);
void *aidl_arena_alloc(struct aidl_arena *a, size_t size); /* zeroed; aborts on OOM */
char *aidl_arena_strdup(struct aidl_arena *a, const char *s);
char *aidl_arena_strndup(struct aidl_arena *a, const char *s, size_t n);
char *aidl_arena_printf(struct aidl_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

aidl_program *aidl_program_new(void);
void aidl_program_free(aidl_program *p); /* accepts NULL */

/* The annotation named `name` on a list, or NULL. */
const aidl_annotation *aidl_annotation_find(const aidl_annotation *list, const char *name);
/* Whether a decl is a type declaration (interface, parcelable, enum, union). */
bool aidl_decl_is_type(const aidl_decl *d);
/* The package a declaration belongs to ("com.rdk.hal"). */
const char *aidl_decl_package(const aidl_decl *d);
/* "boolean", "int[]", "List<String>", "IVideoDecoder.Id" as written/canonical. */
char *aidl_type_to_string(struct aidl_arena *a, const aidl_type *t);
/* "int", "String", "void": the AIDL spelling of a primitive. */
const char *aidl_prim_name(aidl_prim p);

#endif
