/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_C_CONVERT_H
#define AIDLC_C_CONVERT_H

/*
 * The C conversion emitter: code that converts values between their C form
 * and their protobuf-c form (docs/aidl-c-mapping.md).
 */

#include "wire_model.h"

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
        const char *fds;   /* the avb_fd_list * expression ("fds" when NULL) */
} cn_value;

/* C -> protobuf-c (borrowing C memory where it can; see cg_release). */
void cg_encode(cw *w, struct aidl_arena *a, const cn_value *v);
/* Frees what cg_encode allocated. */
void cg_release(cw *w, struct aidl_arena *a, const cn_value *v);
/* protobuf-c -> C; the C value must be zeroed. */
void cg_decode(cw *w, struct aidl_arena *a, const cn_value *v);
/* Frees the C value (of a field, decoded or not). */
void cg_fini(cw *w, struct aidl_arena *a, const cn_value *v);

/* Sets the ParcelFileDescriptor values of a field (scalar or T[N]) to -1, so
 * that a fini before (or without) a decode closes nothing. */
void cg_reset(cw *w, struct aidl_arena *a, const cn_field *f, const char *c);
/* Declares a zeroed local `name` (and name_count) able to hold field f's C value. */
void cg_local(cw *w, struct aidl_arena *a, const cn_field *f, const char *name);
/* Sets the defaults of an output that the op fills (non-null parcelables). */
void cg_init_output(cw *w, struct aidl_arena *a, const cn_field *f, const char *name);
/* The C argument passing local `name` of field f to an op as an in-argument. */
const char *cg_in_arg(struct aidl_arena *a, const cn_field *f, const char *name);
/*
 * The start of a generated .c file of package `pkg`: the "do not edit" line,
 * the C library headers, <avbuffer/rpc_gen.h> (avb_status_from_rc,
 * avb_string_dup), P.h and P.pb-c.h.
 */
void cg_c_file_start(cw *w, struct aidl_arena *a, const aidl_package *pkg);

#endif
