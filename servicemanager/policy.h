/* SPDX-License-Identifier: Apache-2.0 */
#ifndef AVB_SM_POLICY_H
#define AVB_SM_POLICY_H

/*
 * The service manager's registration policy: which users and groups may
 * register which service name (a service_contexts file; its format is
 * described in config/service_contexts), and where a registered endpoint may
 * lie (directly in the socket directory).
 *
 * Ownership: a policy is immutable once loaded; the caller frees it.
 * Errors: 0 or -errno; ret_* untouched on failure.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct avb_sm_policy avb_sm_policy;

/*
 * Loads a service_contexts file. A line it cannot use gives -EINVAL with
 * "FILE:LINE: why" in err; a missing file gives -ENOENT.
 */
int avb_sm_policy_load(const char *path, avb_sm_policy **ret, char *err, size_t err_len);
/* The policy without a file: `uid` may register any name, nobody else may. */
int avb_sm_policy_only_uid(uid_t uid, avb_sm_policy **ret);
avb_sm_policy *avb_sm_policy_free(avb_sm_policy *p); /* accepts NULL; returns NULL */

/*
 * Whether a process of uid (primary group gid) may register `name`: the
 * rule of the exact name, else of the longest matching prefix pattern
 * ("vendor.*", "*"); no rule, no registration. A group rule matches the
 * primary group or any group the uid's user is a member of.
 */
bool avb_sm_policy_allows(const avb_sm_policy *p, const char *name, uid_t uid, gid_t gid);

/*
 * Whether endpoint ("ipc://PATH[#N]") names a socket directly in socket_dir:
 * PATH's directory must be socket_dir as written (repeated and trailing
 * slashes aside, so no "..", no other directory, no symlinked alias of it),
 * its last component a plain name ([A-Za-z0-9._-], not starting with '.'),
 * and if PATH exists it must be a socket, not a symlink or a file.
 * Errors: -EXDEV outside the directory, -EINVAL not such a name,
 * -ELOOP a symlink, -ENOTSOCK another kind of file.
 */
int avb_sm_endpoint_check(const char *endpoint, const char *socket_dir);

#endif
