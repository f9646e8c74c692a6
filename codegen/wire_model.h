/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_WIRE_MODEL_H
#define AIDLC_WIRE_MODEL_H

/*
 * The wire model (see docs/aidl-c-mapping.md, "Wire"): proto messages of
 * types and methods and the fields they carry, shared by the .proto emitter
 * and the C emitters so that both sides agree on every number and name.
 * Every string is allocated from the program's arena.
 */

#include "c_names.h"

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
        const aidl_decl *decl;   /* FIELD decl, or NULL for arguments */
        const aidl_arg *arg;     /* the argument, or NULL */
        int number;              /* proto field number */
        const char *proto;       /* proto field name */
        const char *pbc;         /* protobuf-c struct member */
        const char *oneof;       /* proto oneof holding it, or NULL */
        const char *case_member; /* "<oneof>_case" */
        const char *case_const;  /* protobuf-c case constant of this field */
        bool in_union;
        bool wrapped;   /* an array inside a wrapper message */
        cn_msg wrapper; /* the wrapper message (repeated `items` = 1) */
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

/* Whether a ParcelableHolder field is @VintfStability (its parcelable is). */
bool cn_holder_vintf(const cn_field *f);

/* The interface a method belongs to. */
const aidl_decl *cn_method_iface(const aidl_decl *method);

#endif
