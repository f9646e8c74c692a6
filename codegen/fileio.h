/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AIDLC_FILEIO_H
#define AIDLC_FILEIO_H

/*
 * All file access of aidlc goes through this table so tests can run the
 * whole compiler on files held in memory.
 *
 * read:   loads a whole file; -ENOENT when it does not exist, other -errno on
 *         failure. *ret_data is malloc'ed and NUL-terminated (ret_len excludes
 *         the NUL); the caller frees it.
 * write:  creates or replaces a file (writing a temporary and renaming, so a
 *         failed run leaves no half file), creating missing directories.
 * Both are required.
 */

#include <stddef.h>

typedef struct aidl_fileio_ops {
        int (*read)(void *userdata, const char *path, char **ret_data, size_t *ret_len);
        int (*write)(void *userdata, const char *path, const char *data, size_t len);
} aidl_fileio_ops;

typedef struct aidl_fileio {
        const aidl_fileio_ops *ops;
        void *userdata;
} aidl_fileio;

/* The real file system. */
aidl_fileio aidl_fileio_posix(void);

/* An in-memory file system for tests. */
typedef struct aidl_memfs aidl_memfs;
aidl_memfs *aidl_memfs_new(void);
void aidl_memfs_free(aidl_memfs *m); /* accepts NULL */
int aidl_memfs_add(aidl_memfs *m, const char *path, const char *data);
/* The content written at path, or NULL. Owned by the memfs. */
const char *aidl_memfs_get(const aidl_memfs *m, const char *path);
aidl_fileio aidl_memfs_io(aidl_memfs *m);

#endif
