/*
 * tx.c — the caller transactions of the SQLite backend (core.h:
 * tx_begin, tx_commit, tx_rollback): BEGIN IMMEDIATE here, and while
 * it is open (sq->outer) sq_begin/sq_commit/sq_rollback of every
 * mutating call are the savepoint "op" (store_sqlite.c), so each call
 * stays atomic on its own inside the caller's transaction.
 */
#include "store/sqlite/sqlite_internal.h"
#include "store/store_util.h"

int
sq_tx_begin(struct store *st)
{
	struct sq *s = (struct sq *)st;
	int rc;

	if ((rc = sq_ready(s)) != STORE_OK)
		return rc;
	if (s->outer || s->in_tx || s->batch)
		return store_seterr(st, STORE_INVALID, "a transaction cannot "
		    "start inside another one or inside an import batch");
	if ((rc = sq_begin(s)) != STORE_OK)
		return rc;
	s->in_tx = false;
	s->outer = true;
	return STORE_OK;
}

int
sq_tx_commit(struct store *st)
{
	struct sq *s = (struct sq *)st;

	if (!s->outer)
		return store_seterr(st, STORE_INVALID,
		    "commit without a transaction");
	s->outer = false;
	s->in_tx = true;
	if (sqlite3_get_autocommit(s->db)) {
		s->in_tx = false;
		return store_seterr(st, STORE_ERROR, "the transaction was "
		    "rolled back by an earlier error; nothing was stored");
	}
	return sq_commit(s);
}

int
sq_tx_rollback(struct store *st)
{
	struct sq *s = (struct sq *)st;

	if (!s->outer)
		return STORE_OK;
	s->outer = false;
	s->in_tx = true;
	sq_rollback(s);
	return STORE_OK;
}
