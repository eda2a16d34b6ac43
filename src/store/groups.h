/*
 * groups.h — the group domain of the store: computer target groups,
 * approvals (deployments) and declines.  Not group membership of
 * computers (store/computers.h).
 *
 * Operations: the X-macro list STORE_OPS_GROUPS below (store/core.h
 * says how it is expanded).  Strings in results are valid during the
 * callback only.
 */
#ifndef WSUSD_STORE_GROUPS_H
#define WSUSD_STORE_GROUPS_H

#include "store/core.h"

/* Built-in computer target groups: the GUIDs a real WSUS uses. */
#define GROUP_ALL_COMPUTERS_GUID	"a0a08746-4dbe-4a37-9adf-9e7652c0b421"
#define GROUP_UNASSIGNED_GUID		"b73ca6ed-5727-47f3-84de-015e03f6a88a"
#define GROUP_NAME_MAX			256

enum approval_action {
	APPROVAL_INSTALL = 0,
	APPROVAL_UNINSTALL = 1,
	APPROVAL_NOT_APPROVED = 2,	/* explicit block, overrides inherited */
};

struct store_group {
	int64_t	    id;		/* local integer id */
	char	    guid[GUID_STRLEN + 1];
	const char *name;
	int64_t	    parent_id;	/* 0 for All Computers */
	bool	    builtin;
};

struct store_approval {
	int64_t	    deployment_id;	/* local DeploymentID */
	char	    update_id[GUID_STRLEN + 1];
	int32_t	    revision;		/* revision the approval applies to (newest) */
	int64_t	    revision_id;
	int64_t	    group_id;
	const char *group_name;
	enum approval_action action;
	int64_t	    deadline;		/* unix time, 0 = none */
	int64_t	    created;		/* unix time of the approval */
	const char *admin;		/* who approved; may be "" */
	const char *title;		/* update title, for listings */
};

/* Listing callbacks: 0 goes on, non-zero stops (see store/updates.h). */
typedef int (*store_group_cb)(const struct store_group *, void *arg);
typedef int (*store_approval_cb)(const struct store_approval *, void *arg);
typedef int (*store_eula_cb)(const char *eula_id, void *arg);

/*
 * group_delete moves members up to the parent; group_list lists parents
 * before children.  unapprove: group 0 = all; STORE_NOTFOUND when there
 * was no approval to remove.  approval_list: update_id NULL = all,
 * group_id 0 = all.
 * group_create_guid: group_create with the given GUID (a replica keeps
 * its upstream's; any case, stored lower case); STORE_EXISTS when the
 * GUID or the name is taken, INVALID when not a GUID.
 * group_set_guid: give a (non built-in) group another GUID; EXISTS when
 * another group has it.
 * eulas_accepted_set: the accepted EULAs become exactly ids (EulaID
 * GUIDs, any case, duplicates allowed; INVALID, nothing changed, for one
 * that is not a GUID) — a replica's copy of its upstream's AcceptedEulas.
 * eulas_accepted_list: each, lower case, in GUID order.
 */
#define STORE_OPS_GROUPS(X, p)						\
	X(p, group_create, (struct store *st, const char *name,		\
	    int64_t parent, int64_t *id), (st, name, parent, id))	\
	X(p, group_rename, (struct store *st, int64_t id,		\
	    const char *name), (st, id, name))				\
	X(p, group_delete, (struct store *st, int64_t id), (st, id))	\
	X(p, group_move, (struct store *st, int64_t id,		\
	    int64_t parent), (st, id, parent))				\
	X(p, group_find, (struct store *st, const char *name,		\
	    int64_t *id), (st, name, id))				\
	X(p, group_list, (struct store *st, store_group_cb cb,		\
	    void *arg), (st, cb, arg))					\
	X(p, approve, (struct store *st, const char *uid, int64_t gid,	\
	    enum approval_action a, int64_t deadline, const char *admin, \
	    int64_t *did), (st, uid, gid, a, deadline, admin, did))	\
	X(p, unapprove, (struct store *st, const char *uid,		\
	    int64_t gid), (st, uid, gid))				\
	X(p, decline, (struct store *st, const char *uid,		\
	    bool declined), (st, uid, declined))			\
	X(p, approval_list, (struct store *st, const char *uid,	\
	    int64_t gid, store_approval_cb cb, void *arg),		\
	    (st, uid, gid, cb, arg))					\
	X(p, group_create_guid, (struct store *st, const char *name,	\
	    const char *guid, int64_t parent, int64_t *id),		\
	    (st, name, guid, parent, id))				\
	X(p, group_set_guid, (struct store *st, int64_t id,		\
	    const char *guid), (st, id, guid))				\
	X(p, eulas_accepted_set, (struct store *st,			\
	    const char *const *ids, size_t n), (st, ids, n))		\
	X(p, eulas_accepted_list, (struct store *st, store_eula_cb cb,	\
	    void *arg), (st, cb, arg))

struct store_groups_ops {
	STORE_OPS_GROUPS(STORE_OP_MEMBER, _)
};
STORE_OPS_GROUPS(STORE_OP_WRAPPER, groups)

#endif
